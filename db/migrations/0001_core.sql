-- Core schema: identity, workspaces, access. Every tenant table carries workspace_id (uuid)
-- and is protected by row-level security in 0003_rls.sql.

create extension if not exists vector;

-- The tenant context the repository layer sets per transaction with set_config(..., true).
-- An unset or reset setting reads as '' after a transaction, hence nullif.
create function app_workspace_id() returns uuid
    language sql stable
    as $$ select nullif(current_setting('app.workspace_id', true), '')::uuid $$;

create function app_user_id() returns bigint
    language sql stable
    as $$ select nullif(current_setting('app.user_id', true), '')::bigint $$;

create function app_workspace_slug() returns text
    language sql stable
    as $$ select nullif(current_setting('app.workspace_slug', true), '') $$;

create function touch_updated_at() returns trigger
    language plpgsql
    as $$ begin new.updated_at := now(); return new; end $$;

create table workspaces (
    id uuid primary key,
    slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name text not null check (length(btrim(name)) between 1 and 200),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table users (
    id bigint generated always as identity primary key,
    email text not null check (email ~ '^[^@\s]+@[^@\s]+$'),
    full_name text not null default '' check (length(full_name) <= 200),
    password_hash text not null,
    is_active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

create table memberships (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    user_id bigint not null references users (id) on delete cascade,
    role text not null check (role in ('owner', 'recruiter', 'viewer')),
    created_at timestamptz not null default now(),
    primary key (workspace_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

create table api_keys (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 100),
    prefix text not null,
    key_hash text not null unique,
    role text not null check (role in ('owner', 'recruiter', 'viewer')),
    created_by bigint references users (id) on delete set null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    expires_at timestamptz,
    revoked_at timestamptz
);
create index api_keys_workspace_idx on api_keys (workspace_id);

create table audit_log (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    actor_user_id bigint references users (id) on delete set null,
    actor_api_key_id bigint references api_keys (id) on delete set null,
    action text not null,
    target_type text,
    target_id text,
    details jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now()
);
create index audit_log_workspace_time_idx on audit_log (workspace_id, created_at desc);

create table integrations (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    kind text not null check (kind in ('hh', 'telegram', 'djinni', 'openai', 'deepgram', 'elevenlabs')),
    status text not null default 'disconnected'
        check (status in ('disconnected', 'pending', 'connected', 'error')),
    settings jsonb not null default '{}'::jsonb,
    secrets_encrypted bytea,
    last_error text,
    last_checked_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (workspace_id, kind)
);

create table telegram_sessions (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    phone text not null,
    session_encrypted bytea,
    status text not null default 'pending_code'
        check (status in ('pending_code', 'pending_password', 'active', 'revoked', 'error')),
    last_error text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (workspace_id)
);

create trigger workspaces_touch before update on workspaces
    for each row execute function touch_updated_at();
create trigger users_touch before update on users
    for each row execute function touch_updated_at();
create trigger integrations_touch before update on integrations
    for each row execute function touch_updated_at();
create trigger telegram_sessions_touch before update on telegram_sessions
    for each row execute function touch_updated_at();
