-- Expired idempotency keys (0039) of every workspace, deleted hourly by the Orchestrator's
-- global job `forget_idempotency_keys` (pipelines/automation/runner.py). A claim in a workspace
-- still clears that workspace's expired keys first (db.idempotency.delete_expired); this
-- sweep keeps the table bounded where no more requests come, and keeps expired responses
-- (sealed, but still a copy of what an API answered) from lying about.
--
-- It runs as the schema owner, like automation_forget_sessions (0015): the table's RLS is
-- forced, so the owner gets a policy to see and delete the expired rows and nothing else.
-- Granted to the application role alone (db/roles.py). Leaks: how many keys expired.
do $$
begin
    execute format(
        'create policy automation_owner_forget on idempotency_keys for select to %I'
        ' using (expires_at <= now())', current_user);
    execute format(
        'create policy automation_owner_delete on idempotency_keys for delete to %I'
        ' using (expires_at <= now())', current_user);
end
$$;

create function automation_forget_idempotency_keys() returns bigint
    language sql volatile security definer
    set search_path = public, pg_temp
    as $$
        with gone as (
            delete from idempotency_keys where expires_at <= now() returning 1
        )
        select count(*) from gone
    $$;

revoke all on function automation_forget_idempotency_keys() from public;

insert into schedules (kind, interval_s) values ('forget_idempotency_keys', 3600);
