-- Automation (issue 13): schedules, leased job runs, the workspace retention setting, and the
-- narrow cross-workspace functions the Orchestrator needs.
--
-- The application role still sees one workspace at a time. The Orchestrator learns *which*
-- workspaces have due work from automation_due_work(), which runs as the schema owner and
-- returns only (workspace_id, kind, due_count); every unit of work then runs in that
-- workspace's RLS context like any request.

-- Data retention: candidates (their personal data) older than this many days are erased by
-- the `retention` job; null keeps them for ever.
alter table workspaces add column retention_days integer check (retention_days > 0);

-- Job runs are rows of `jobs`. Automation runs are `singleton`: at most one queued or running
-- per (workspace, kind), enforced by the index below, and held by a lease (`lease_owner`,
-- `lease_until`) so a second Orchestrator never runs the same job while the first is alive,
-- and takes a run over once its holder died (the lease ran out).
alter table jobs
    add column singleton boolean not null default false,
    add column lease_owner text,
    add column lease_until timestamptz;
create unique index jobs_one_active_singleton on jobs (workspace_id, kind)
    where singleton and status in ('queued', 'running');
create index jobs_recent_idx on jobs (workspace_id, created_at desc);

-- When each kind of work runs. A `schedules` row is the global sweep of its kind: when it is
-- due, the Orchestrator asks automation_due_work() for the workspaces with work of that kind.
-- It holds no tenant data (a kind and timestamps), so it has no workspace and no RLS.
create table schedules (
    kind text primary key,
    interval_s integer not null check (interval_s > 0),
    enabled boolean not null default true,
    next_run_at timestamptz not null default now(),
    last_run_at timestamptz
);
insert into schedules (kind, interval_s) values
    ('expire_interviews', 60),
    ('recover_parses', 120),
    ('expire_links', 3600),
    ('forget_sessions', 3600),
    ('retention', 3600);

-- A workspace's own schedule of a kind narrows the sweep there: `enabled = false` turns the
-- kind off in that workspace, a `next_run_at` in the future holds it back (each run advances it
-- by `interval_s`). A tenant table like any other.
create table workspace_schedules (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    kind text not null,
    interval_s integer not null check (interval_s > 0),
    enabled boolean not null default true,
    next_run_at timestamptz not null default now(),
    last_run_at timestamptz,
    primary key (workspace_id, kind)
);
select enable_tenant_rls('workspace_schedules');

-- The functions below run as the schema owner. Tenant tables are FORCEd, so with a
-- non-superuser owner their policies would hide every row from the owner too; these policies
-- let the owner (and only it: the application role is never the owner, db/roles.py refuses
-- that) read what the functions count and delete expired sessions.
do $$
declare
    t text;
begin
    foreach t in array array['interviews', 'resumes', 'candidates', 'jobs',
                             'workspace_schedules', 'workspaces', 'sessions']
    loop
        execute format(
            'create policy automation_owner_read on %I for select to %I using (true)',
            t, current_user);
    end loop;
    execute format(
        'create policy automation_owner_delete on sessions for delete to %I using (true)',
        current_user);
end
$$;

-- Which workspaces have due work of the given kinds, and how much: ids, kinds and counts only,
-- never row data. `max_interview_s` is the installation's interview length limit (a setting).
-- Kinds: expire_interviews (active past the limit plus 300 s of allowance, as in
-- db/interview_expiry.py), recover_parses (parsing past the lease), expire_links (interview
-- links past their expiry still stored), retention (candidates older than the workspace's
-- retention_days), for the `kinds` asked and workspaces whose own schedule row (if any) is
-- enabled and due; plus, whatever `kinds`, every automation run waiting to be started (a retry
-- after its backoff, one a person requested) or taken over (running, its lease expired).
-- Leaks: to the application role, for any workspace, how many such items it has right now.
create function automation_due_work(kinds text[], max_interview_s integer)
    returns table (workspace_id uuid, kind text, due_count bigint)
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        with items as (
            select i.workspace_id, 'expire_interviews'::text as kind, count(*) as n
            from interviews i
            where i.status = 'active'
              and i.started_at
                  < now() - make_interval(secs => max_interview_s + 300 + i.server_down_s)
            group by i.workspace_id
            union all
            select r.workspace_id, 'recover_parses', count(*)
            from resumes r
            where r.status = 'parsing'
              and (r.parse_lease_until is null or r.parse_lease_until <= now())
            group by r.workspace_id
            union all
            select i.workspace_id, 'expire_links', count(*)
            from interviews i
            where i.link_token_hash is not null and i.link_expires_at <= now()
            group by i.workspace_id
            union all
            select c.workspace_id, 'retention', count(*)
            from candidates c join workspaces w on w.id = c.workspace_id
            where w.retention_days is not null
              and c.created_at < now() - make_interval(days => w.retention_days)
            group by c.workspace_id
        ), due as (
            select it.workspace_id, it.kind, it.n
            from items it
            where it.kind = any(kinds)
              and not exists (
                  select 1 from workspace_schedules s
                  where s.workspace_id = it.workspace_id and s.kind = it.kind
                    and (not s.enabled or s.next_run_at > now())
              )
            union all
            select j.workspace_id, j.kind, count(*)
            from jobs j
            where j.singleton
              and (j.status = 'queued' and j.scheduled_for <= now()
                   or j.status = 'running' and j.lease_until <= now())
            group by j.workspace_id, j.kind
        )
        select d.workspace_id, d.kind, sum(d.n)::bigint
        from due d
        group by d.workspace_id, d.kind
        order by d.workspace_id, d.kind
    $$;

-- Sign-in sessions that ended (revoked or expired) more than a day ago, deleted for every user
-- (each user's own sign-in deletes only theirs, db.sessions.forget_expired).
-- Leaks: how many such sessions there were.
create function automation_forget_sessions() returns bigint
    language sql volatile security definer
    set search_path = public, pg_temp
    as $$
        with gone as (
            delete from sessions
            where coalesce(revoked_at, expires_at) < now() - interval '1 day'
            returning 1
        )
        select count(*) from gone
    $$;

revoke all on function automation_due_work(text[], integer) from public;
revoke all on function automation_forget_sessions() from public;
