-- Job boards' saved searches (issue 15 §3/§4): a workspace saves searches on public job boards
-- (Djinni read by headless Chromium, LinkedIn and Indeed through python-jobspy); each runs on
-- demand and on the `board_searches` schedule (every six hours by default), and what it finds
-- is kept as leads (keyed by board and the board's id: a re-run refreshes, never duplicates).
-- A run is an `import_runs` row (source 'djinni' or 'board', kind 'vacancies'); the search
-- keeps its last outcome for the console.
create table board_searches (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    board text not null check (board in ('djinni', 'linkedin', 'indeed')),
    query text not null check (length(btrim(query)) between 1 and 200),
    location text check (location is null or length(btrim(location)) between 1 and 200),
    max_results integer not null default 50 check (max_results between 1 and 500),
    enabled boolean not null default true,
    last_run_at timestamptz,
    last_found integer,
    last_error text,
    created_by bigint references users (id) on delete set null,
    created_at timestamptz not null default now(),
    unique nulls not distinct (workspace_id, board, query, location)
);
select enable_tenant_rls('board_searches');
-- automation_due_work() (run as the schema owner) counts the enabled searches per workspace.
create policy automation_owner_read on board_searches for select to current_user using (true);

-- `board_searches` is due in every workspace with an enabled search. automation_due_work() is
-- redefined with that kind; the rest is as in 0029.
insert into schedules (kind, interval_s) values ('board_searches', 21600);

create or replace function automation_due_work(kinds text[], max_interview_s integer)
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
            union all
            select o.workspace_id, 'dispatch_outbox', count(*)
            from outbox o
            where (o.status = 'pending' and o.available_at <= now()
                   or o.status = 'sending' and o.lease_until <= now())
              and split_part(o.kind, '.', 1) <> 'telegram'
            group by o.workspace_id
            union all
            select g.workspace_id, k.kind, 1
            from integrations g
            cross join (values ('hh_vacancies'), ('hh_responses')) k (kind)
            where g.kind = 'hh' and g.status in ('connected', 'action_needed', 'error')
            union all
            select b.workspace_id, 'hh_browser', 1
            from integrations b
            where b.kind = 'hh_browser' and b.status in ('connected', 'error')
              and b.secrets_encrypted is not null
            union all
            select s.workspace_id, 'board_searches', count(*)
            from board_searches s
            where s.enabled
            group by s.workspace_id
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

revoke all on function automation_due_work(text[], integer) from public;
