-- Lead responses sent, meetings booked, replies and the daily digest (issue 16 §5-§7).

-- HeadHunter answers a vacancy with a resume (`POST /negotiations`: vacancy_id, resume_id,
-- message): the workspace's resume that stands for the company (its services, its bench).
alter table leadgen_profiles
    add column hh_resume_id text
        check (hh_resume_id is null or hh_resume_id ~ '^[A-Za-z0-9_-]{1,100}$');

-- A Calendly booking made with the plain link (no utm_content) is matched by the invitee's
-- e-mail against the leads' contacts.
create index leads_contact_email_idx on leads (workspace_id, lower(contact ->> 'email'))
    where contact ? 'email';
create index lead_meetings_lead_idx on lead_meetings (lead_id, id);

-- The daily digest (pipelines/leads/digest.py) is the automation job 'lead_digest', run once a
-- day per workspace with lead-gen activity at 08:00 in the profile's meeting_timezone. It is a
-- singleton run queued for that time (automation_due_work() returns every due queued
-- singleton run whatever the kinds asked, so that function stays as it is): the first lead
-- of a workspace queues one, and each run that ends queues the next while the workspace had
-- lead events in the last 30 days (a quiet workspace stops; its next lead starts it again).
-- An unknown time zone counts as UTC.
create function lead_digest_due_at(zone text, after timestamptz default now())
    returns timestamptz
    language plpgsql stable
    set search_path = public, pg_temp
    as $$
declare
    z text := coalesce(nullif(zone, ''), 'UTC');
    local_now timestamp;
    due timestamp;
begin
    begin
        local_now := after at time zone z;
    exception when invalid_parameter_value then
        z := 'UTC';
        local_now := after at time zone z;
    end;
    due := date_trunc('day', local_now) + interval '8 hours';
    if due <= local_now then
        due := due + interval '1 day';
    end if;
    return due at time zone z;
end
$$;

create function lead_digest_queue(ws uuid) returns void
    language sql
    set search_path = public, pg_temp
    as $$
        insert into jobs (workspace_id, kind, singleton, scheduled_for)
        select ws, 'lead_digest', true,
               lead_digest_due_at((select p.meeting_timezone from leadgen_profiles p
                                   where p.workspace_id = ws))
        on conflict (workspace_id, kind) where singleton and status in ('queued', 'running')
        do nothing
    $$;

create function lead_digest_after_run() returns trigger
    language plpgsql
    set search_path = public, pg_temp
    as $$
begin
    if exists (select 1 from lead_events e
               where e.workspace_id = new.workspace_id
                 and e.created_at > now() - interval '30 days') then
        perform lead_digest_queue(new.workspace_id);
    end if;
    return null;
end
$$;
create trigger jobs_lead_digest_next after update of status on jobs
    for each row
    when (new.kind = 'lead_digest' and new.singleton and old.status = 'running'
          and new.status in ('succeeded', 'failed'))
    execute function lead_digest_after_run();

create function lead_digest_first_leads() returns trigger
    language plpgsql
    set search_path = public, pg_temp
    as $$
begin
    perform lead_digest_queue(w.workspace_id) from (select distinct workspace_id from added) w;
    return null;
end
$$;
create trigger leads_lead_digest after insert on leads
    referencing new table as added
    for each statement execute function lead_digest_first_leads();

select lead_digest_queue(w.workspace_id) from (select distinct workspace_id from leads) w;
