-- WorkspaceBot actors (issue 14): the Orchestrator starts a bot for every workspace whose
-- Telegram account is connected. It learns which from this function, as it learns due work
-- from automation_due_work(): workspace ids only, run as the schema owner.
-- Leaks: to the application role, which workspaces have a connected Telegram account.
create policy automation_owner_read on telegram_sessions for select to current_user using (true);
create function automation_telegram_workspaces()
    returns table (workspace_id uuid)
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select s.workspace_id from telegram_sessions s
        where s.status = 'active' and s.session_sealed is not null
        order by s.workspace_id
    $$;
revoke all on function automation_telegram_workspaces() from public;
