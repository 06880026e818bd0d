-- Row-level security for users and sessions (issue 11). Before this, the application role
-- read every row of `users` (e-mails, password hashes) with no context at all.
--
-- The application role now sees a user's row only with a reason:
--   * its own row (app.user_id),
--   * the members of the current workspace (app.workspace_id),
--   * whoever invited the current user to a still-open invitation (app.user_id).
-- It updates only its own row, and never inserts or deletes: the paths that must work before
-- anyone is known (signing in, creating an account, the operator's look-up by e-mail) go
-- through the narrow SECURITY DEFINER functions below, which run as the schema owner.
-- db/roles.py grants them to the application role alone and narrows its column rights on
-- `users` (the hash is never selectable; only the name and the hash can be updated).
--
-- `users` is RLS-enabled but deliberately NOT forced, unlike the tenant tables: the functions
-- below run as the schema owner, and a forced table would hold the owner to these policies
-- too, so that with a non-superuser owner signing in would find nobody. The application role
-- is never the owner (db/roles.py refuses that), so for it the policies always apply. The owner
-- itself only migrates, grants and runs these functions.
alter table users enable row level security;

create policy own_user on users for select
    using (id = app_user_id());

create policy workspace_members on users for select
    using (id in (select m.user_id from memberships m where m.workspace_id = app_workspace_id()));

-- Who invited the current user to an open, unexpired invitation: the invitee's list shows the
-- inviter's e-mail before the invitee belongs to the workspace.
-- SECURITY DEFINER on purpose: read as the application role, member_invitations' policies call
-- app_user_email(), which reads users again, whose policy would read member_invitations again,
-- without end. Run as the owner, users is not subject to RLS and the loop stops.
-- Leaks: to a caller that sets app.user_id, the ids of the users who invited that user to an
-- open invitation; nothing without app.user_id. The policy below shows those rows only.
create function app_inviter_ids() returns setof bigint
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select i.invited_by from member_invitations i
        where i.email = (select lower(u.email) from users u where u.id = app_user_id())
          and i.invited_by is not null
          and i.accepted_at is null and i.declined_at is null and i.revoked_at is null
          and i.expires_at > now()
    $$;

create policy inviters on users for select
    using (id in (select app_inviter_ids()));

create policy own_user_update on users for update
    using (id = app_user_id()) with check (id = app_user_id());

-- Sign-in: the account behind an e-mail, with its password hash, for verifying a password
-- before anyone is known (db.users.get_credentials).
-- Leaks: to the application role, with no context, the row and hash of the account with
-- exactly this e-mail (case-insensitive), or nothing; no pattern matching, so it cannot list
-- accounts, only confirm a guessed address. Signing in needs exactly that; sign-in throttling
-- (serve_apps/sign_in.py) limits the guessing through the API.
create function login_credentials(login_email text)
    returns table (
        id bigint, email text, full_name text, is_active boolean,
        created_at timestamptz, updated_at timestamptz, password_hash text
    )
    language sql stable security definer
    set search_path = public, pg_temp
    rows 1
    as $$
        select u.id, u.email, u.full_name, u.is_active, u.created_at, u.updated_at, u.password_hash
        from users u
        where lower(u.email) = lower(login_email)
    $$;

-- A new account (db.users.create_user: the CLI, the demo seed). Returns the new row without the
-- hash. A taken e-mail still fails with unique_violation, a malformed one with check_violation.
-- Leaks: whether an e-mail is taken (the unique violation), which creating an account
-- tells anyway; it reads no other row.
create function create_user(new_email text, new_full_name text, new_password_hash text)
    returns table (
        id bigint, email text, full_name text, is_active boolean,
        created_at timestamptz, updated_at timestamptz
    )
    language sql volatile security definer
    set search_path = public, pg_temp
    as $$
        insert into users (email, full_name, password_hash)
        values (new_email, new_full_name, new_password_hash)
        returning users.id, users.email, users.full_name, users.is_active, users.created_at,
                  users.updated_at
    $$;

-- The id of the account with this e-mail, for operator actions only (`selectio user create
-- --workspace`, `selectio workspace create --owner`, the demo seed via accounts.add_member).
-- Leaks: to the application role, with no context, whether a guessed e-mail has an account and
-- its id, nothing else. The API never calls it: inviting deliberately does not look addresses up.
create function user_id_by_email(email text) returns bigint
    language sql stable security definer
    set search_path = public, pg_temp
    as $$ select u.id from users u where lower(u.email) = lower(user_id_by_email.email) $$;

-- Only the application role may call these (db/roles.py grant_app_privileges grants EXECUTE by
-- the configured role name); a new function is executable by PUBLIC until revoked.
revoke all on function app_inviter_ids() from public;
revoke all on function login_credentials(text) from public;
revoke all on function create_user(text, text, text) from public;
revoke all on function user_id_by_email(text) from public;

-- Sessions belong to one user: only that user's context reads or ends them. Nothing but the
-- application role touches them, so the table is forced like the tenant tables.
alter table sessions enable row level security;
alter table sessions force row level security;
create policy own_sessions on sessions
    using (user_id = app_user_id()) with check (user_id = app_user_id());

-- login_failures stays without RLS on purpose: its counters are written and read before anyone
-- is known (per e-mail, known or not, and per client address), so no context could apply; it
-- holds no password, hash or account data.
