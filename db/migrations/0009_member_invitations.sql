-- Member invitations (issue 11): an owner invites an e-mail address and the person behind it
-- joins only by accepting. Inviting never looks the address up, so the answer cannot tell
-- whether an account exists; the invitation waits for an account with that e-mail.
create table member_invitations (
    id uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces (id) on delete cascade,
    email text not null check (email ~ '^[^@\s]+@[^@\s]+$' and email = lower(btrim(email))),
    role text not null check (role in ('owner', 'recruiter', 'viewer')),
    invited_by bigint references users (id) on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    accepted_at timestamptz,
    declined_at timestamptz,
    revoked_at timestamptz,
    check (num_nonnulls(accepted_at, declined_at, revoked_at) <= 1)
);
-- One open invitation per workspace and address: inviting again refreshes it. Expired ones are
-- still "open" here (an index predicate cannot read the clock), so a new invite revives them.
create unique index member_invitations_open_key on member_invitations (workspace_id, email)
    where accepted_at is null and declined_at is null and revoked_at is null;
create index member_invitations_email_idx on member_invitations (email)
    where accepted_at is null and declined_at is null and revoked_at is null;

-- The signed-in user's e-mail as invitations store it, for policies read under app.user_id.
create function app_user_email() returns text
    language sql stable
    as $$ select lower(u.email) from users u where u.id = app_user_id() $$;

-- Owners manage invitations in their workspace's tenant context...
select enable_tenant_rls('member_invitations');
-- ...and the invitee, who has no tenant context in that workspace yet, sees and answers the
-- invitations addressed to their own e-mail with app.user_id alone.
create policy invitee_reads on member_invitations for select
    using (email = app_user_email());
create policy invitee_answers on member_invitations for update
    using (email = app_user_email()) with check (email = app_user_email());

-- What the invitee's update policy cannot express: an invitation never moves to another
-- workspace or address, and as the invitee (app.user_id set, outside the workspace's tenant
-- context) the only change allowed is answering an open, unexpired invitation once. Without
-- any context the application role sees no invitation, so that case is left to maintenance.
create function member_invitations_guard() returns trigger
    language plpgsql
    as $$
begin
    if new.id <> old.id or new.workspace_id <> old.workspace_id or new.email <> old.email then
        raise exception 'an invitation''s workspace and e-mail cannot change'
            using errcode = 'insufficient_privilege';
    end if;
    if app_user_id() is not null
        and app_workspace_id() is distinct from old.workspace_id
        and (
            (new.role, new.invited_by, new.created_at, new.expires_at, new.revoked_at)
                is distinct from
                (old.role, old.invited_by, old.created_at, old.expires_at, old.revoked_at)
            or num_nonnulls(old.accepted_at, old.declined_at, old.revoked_at) > 0
            or old.expires_at <= now()
        )
    then
        raise exception 'an invitee can only accept or decline an open invitation'
            using errcode = 'insufficient_privilege';
    end if;
    return new;
end
$$;
create trigger member_invitations_guard before update on member_invitations
    for each row execute function member_invitations_guard();

-- The invitee may read the name of a workspace that invited them while the invitation is open.
create policy invited_workspaces on workspaces for select
    using (
        id in (
            select i.workspace_id from member_invitations i
            where i.email = app_user_email()
              and i.accepted_at is null and i.declined_at is null and i.revoked_at is null
              and i.expires_at > now()
        )
    );
