-- Row-level security: every tenant table sees only the rows of the workspace named by
-- app.workspace_id, which the repository layer sets per transaction. FORCE applies the
-- policies to the tables' owner too; the application role is neither owner nor superuser.
create function enable_tenant_rls(t regclass) returns void
    language plpgsql
    as $$
begin
    execute format('alter table %s enable row level security', t);
    execute format('alter table %s force row level security', t);
    execute format(
        'create policy tenant_isolation on %s '
        'using (workspace_id = app_workspace_id()) '
        'with check (workspace_id = app_workspace_id())', t);
end
$$;
comment on function enable_tenant_rls(regclass) is
    'Later migrations call this for every new table that has a workspace_id column.';

do $$
declare
    t text;
begin
    for t in
        select c.table_name
        from information_schema.columns c
        join information_schema.tables tb
          on tb.table_schema = c.table_schema and tb.table_name = c.table_name
        where c.table_schema = 'public' and c.column_name = 'workspace_id'
          and tb.table_type = 'BASE TABLE'
    loop
        perform enable_tenant_rls(format('%I', t)::regclass);
    end loop;
end
$$;

-- A user lists the workspaces they belong to before choosing one: their own memberships are
-- readable under app.user_id alone.
create policy own_memberships on memberships for select
    using (user_id = app_user_id());

-- Workspaces are keyed by id, not workspace_id. Visible: the current workspace, the ones the
-- current user belongs to, and the one named by app.workspace_slug (resolving a slug from the
-- CLI yields its id only; data access still needs the tenant context).
alter table workspaces enable row level security;
alter table workspaces force row level security;
create policy workspace_visibility on workspaces for select
    using (
        id = app_workspace_id()
        or slug = app_workspace_slug()
        or id in (select m.workspace_id from memberships m where m.user_id = app_user_id())
    );
create policy workspace_write on workspaces for insert
    with check (id = app_workspace_id());
create policy workspace_update on workspaces for update
    using (id = app_workspace_id()) with check (id = app_workspace_id());
create policy workspace_delete on workspaces for delete
    using (id = app_workspace_id());
