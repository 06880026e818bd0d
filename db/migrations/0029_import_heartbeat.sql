-- An import run beats while it works (issue 15): a run whose last beat is older than the stale
-- window was left by a killed worker, however long a live one takes (a paced browser read
-- may take hours, an API sync minutes); the next run closes it as interrupted.
alter table import_runs add column heartbeat_at timestamptz not null default now();

-- Responses read through the recruiter's HH session in a browser (`hh_browser`, every two hours
-- by default: each read spends the account's daily page budget) join the automation for
-- workspaces with a saved session. automation_due_work() is redefined with that kind; the rest
-- is as in 0027.
insert into schedules (kind, interval_s) values ('hh_browser', 7200);

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
