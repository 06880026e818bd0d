-- automation_due_work() (0027, 0029, 0030) counts the workspaces whose HH connection or browser
-- session works; it runs as the schema owner, whom row-level security binds too (forced) when
-- the owner is not a superuser. Like the other tables it reads, integrations gets the owner's
-- read policy, else those kinds would never come due on such a server.
create policy automation_owner_read on integrations for select to current_user using (true);
