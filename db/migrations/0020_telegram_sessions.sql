-- Telegram accounts (issue 14): each workspace connects one Telegram user account (MTProto, as
-- recruiters use it), which its WorkspaceBot actor runs. The Telethon session (its auth key)
-- is a credential: stored sealed (db/secret_box.py), like the login code's hash kept between
-- the steps of signing in.
--
-- status: code_sent (a login code went to the phone), password_needed (the account has a
-- two-step password), active (signed in), revoked (Telegram ended the session: sign in again),
-- signed_out. The bot holds the session under a lease (lease_owner, lease_until) so that two
-- clients never run one session (Telegram revokes it: AUTH_KEY_DUPLICATED).
--
-- 0001 sketched this table before anything used it (nothing ever wrote it); it is made again
-- with the shape the sign-in flow needs, one row per workspace.
drop table telegram_sessions;
create table telegram_sessions (
    workspace_id uuid primary key references workspaces (id) on delete cascade,
    status text not null
        check (status in ('code_sent', 'password_needed', 'active', 'revoked', 'signed_out')),
    phone text not null check (phone ~ '^\+?[0-9]{7,15}$'),
    session_sealed bytea,
    phone_code_hash_sealed bytea,
    code_sent_at timestamptz,
    account_id bigint,
    username text,
    display_name text,
    connected_at timestamptz,
    last_error text,
    lease_owner text,
    lease_until timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
select enable_tenant_rls('telegram_sessions');
