-- Ops views: what the Orchestrator publishes as metrics and `selectio status` prints, for the
-- whole installation in one cheap statement (db/ops.py). Counts and ages only, never row data.
--
-- ops_queue_depths() runs as the schema owner, whose automation_owner_read policies
-- (0015_automation.sql, 0017_outbox_dispatch.sql) let it read outbox, jobs and interviews of
-- every workspace; it is revoked from PUBLIC here and granted to the application role alone
-- by db/roles.py. Rows (queue, name, items, oldest_s):
--   outbox      per channel (the kind's first part): messages due and not delivered yet
--               (pending and due, or being sent); oldest_s since the oldest became due
--   jobs        queued (due or not), retrying (queued again after an error), running;
--               oldest_s: the longest-waiting due one, or the longest-running one
--   failed_1h   per kind: runs that ended failed in the last hour
--   interviews  active: interviews under way; oldest_s since the earliest started
-- Leaks: to the application role, those installation-wide totals.

-- Both filters are partial indexes, so a tick reads the open and recently failed rows only,
-- however long the history of finished runs grows.
create index jobs_open_idx on jobs (status) where status in ('queued', 'running');
create index jobs_failed_at_idx on jobs (finished_at) where status = 'failed';

create function ops_queue_depths()
    returns table (queue text, name text, items bigint, oldest_s double precision)
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select 'outbox'::text, split_part(o.kind, '.', 1), count(*),
               extract(epoch from now() - min(o.available_at))::double precision
        from outbox o
        where o.status = 'sending' or o.status = 'pending' and o.available_at <= now()
        group by 2
        union all
        select 'jobs', case when j.status = 'queued' and j.error is not null then 'retrying'
                            else j.status end,
               count(*),
               extract(epoch from max(case
                   when j.status = 'running' then now() - j.started_at
                   when j.scheduled_for <= now() then now() - j.scheduled_for end))::double precision
        from jobs j
        where j.status in ('queued', 'running')
        group by 2
        union all
        select 'failed_1h', j.kind, count(*), null
        from jobs j
        where j.status = 'failed' and j.finished_at > now() - interval '1 hour'
        group by 2
        union all
        select 'interviews', 'active', count(*),
               extract(epoch from now() - min(i.started_at))::double precision
        from interviews i
        where i.status = 'active'
        order by 1, 2
    $$;

revoke all on function ops_queue_depths() from public;
