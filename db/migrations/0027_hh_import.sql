-- HeadHunter and job boards in (issue 15).
--
-- The workspace's HH connection is its `integrations` row of kind 'hh': the OAuth tokens sealed
-- in `secrets_encrypted` (db/secret_box.py), the employer and the last sync in `settings`. Two
-- states join the old ones: `reconnect_needed` (HH refused the authorization or its refresh: a
-- person must connect again) and `action_needed` (a captcha to pass, paid access or a quota).
alter table integrations drop constraint integrations_status_check;
alter table integrations add constraint integrations_status_check check (status in
    ('disconnected', 'pending', 'connected', 'reconnect_needed', 'action_needed', 'error'));

-- A resume imported from a board is the board's resume: seen again it is updated, never
-- duplicated.
alter table resumes
    add column source text not null default 'upload',
    add column external_id text;
create unique index resumes_external_key on resumes (workspace_id, source, external_id)
    where external_id is not null;

-- Each import run, with what it did, for the Automation and Integrations pages.
create table import_runs (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    source text not null check (source in ('hh', 'djinni', 'board')),
    kind text not null check (kind in ('vacancies', 'responses')),
    status text not null default 'running' check (status in ('running', 'done', 'failed')),
    counts jsonb not null default '{}'::jsonb,
    error text,
    started_at timestamptz not null default now(),
    finished_at timestamptz
);
create index import_runs_workspace_idx on import_runs (workspace_id, started_at desc);
-- One run of a kind at a time per workspace (a scheduled sync and a recruiter's click meet
-- here); a run left 'running' by a killed worker is closed as interrupted by the next one.
create unique index import_runs_one_running on import_runs (workspace_id, source, kind)
    where status = 'running';
select enable_tenant_rls('import_runs');

-- An HH response (negotiation) as last synced: which application it became, HH's state of it,
-- and the actions HH offers on it (each with its own URL, method and arguments: a recruiter's
-- stage change is written back through them, never through a hard-coded state). `hh_updated_at`
-- lets a sync skip a response that did not change (no resume fetched, no view quota spent).
create table hh_negotiations (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    negotiation_id text not null,
    application_id bigint,
    vacancy_external_id text not null,
    resume_external_id text,
    employer_state text,
    actions jsonb not null default '[]'::jsonb,
    hh_updated_at timestamptz,
    synced_at timestamptz not null default now(),
    primary key (workspace_id, negotiation_id),
    foreign key (workspace_id, application_id) references applications (workspace_id, id)
        on delete set null (application_id)
);
create index hh_negotiations_application_idx on hh_negotiations (application_id);
select enable_tenant_rls('hh_negotiations');

-- The HH sync joins the automation: `hh_vacancies` (hourly) and `hh_responses` (every ten
-- minutes) are due in every workspace whose HH connection works (or waits for a person: the
-- run after a captcha tells whether it passed). Owners set their own timing per workspace like
-- for any kind. automation_due_work() is redefined with those kinds; the rest is as in 0022.
insert into schedules (kind, interval_s) values ('hh_vacancies', 3600), ('hh_responses', 600);

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
