-- Lead generation (issue 16): a staffing or outsourcing workspace answers other companies'
-- vacancies with its own people. Board searches (0030) and HH's public vacancy search find
-- vacancies; each becomes a lead that is analysed, scored against what the workspace sells
-- (its profile) and its bench (its own candidates marked available), answered with a
-- personalised response (a versioned prompt variant per lead), sent through the outbox with
-- per-board daily caps, and followed through a small CRM up to a meeting (Calendly) and a deal.

-- The CRM's statuses replace the first draft's (contacted → responded, discarded → archived).
alter table leads drop constraint leads_status_check;
update leads set status = case status
    when 'contacted' then 'responded'
    when 'discarded' then 'archived'
    else status end;

-- What a workspace sells; one row per workspace, written on the lead-gen settings page.
create table leadgen_profiles (
    workspace_id uuid primary key references workspaces (id) on delete cascade,
    pitch text not null default '' check (length(pitch) <= 4000),
    stacks text[] not null default '{}',
    seniority text[] not null default '{}',
    rate_min numeric check (rate_min is null or rate_min >= 0),
    rate_max numeric check (rate_max is null or rate_max >= 0),
    rate_currency text not null default 'USD' check (rate_currency ~ '^[A-Z]{3}$'),
    rate_unit text not null default 'hour' check (rate_unit in ('hour', 'month')),
    regions text[] not null default '{}',
    languages text[] not null default '{}',
    stop_words text[] not null default '{}',
    blocked_companies text[] not null default '{}',
    -- Under fit_threshold a lead is archived with the reason; at strong_threshold the owner is
    -- told; at auto_send_threshold (null: never) the drafted response goes without approval.
    fit_threshold integer not null default 45 check (fit_threshold between 0 and 100),
    strong_threshold integer not null default 75 check (strong_threshold between 0 and 100),
    auto_send_threshold integer check (auto_send_threshold between 0 and 100),
    -- Responses sent per board per day (the board's own limits and a person's pace).
    daily_caps jsonb not null default
        '{"djinni": 20, "linkedin": 10, "hh": 20, "email": 50}'::jsonb,
    variant_policy text not null default 'thompson' check (variant_policy in ('thompson', 'fixed')),
    sender_name text not null default '',
    sender_email text,
    booking_url text,
    calendly_event_type text,
    calendly_token_sealed bytea,
    calendly_signing_key_sealed bytea,
    meeting_timezone text not null default 'UTC',
    updated_by bigint references users (id) on delete set null,
    updated_at timestamptz not null default now(),
    check (rate_min is null or rate_max is null or rate_min <= rate_max),
    check (fit_threshold <= strong_threshold)
);
select enable_tenant_rls('leadgen_profiles');
create trigger leadgen_profiles_touch before update on leadgen_profiles
    for each row execute function touch_updated_at();

-- The bench: the workspace's own candidates offered to clients, with what a client is told.
create table bench_members (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    candidate_id bigint not null,
    headline text not null default '' check (length(headline) <= 300),
    rate text check (rate is null or length(rate) <= 100),
    available_from date,
    note text not null default '' check (length(note) <= 2000),
    added_by bigint references users (id) on delete set null,
    added_at timestamptz not null default now(),
    primary key (workspace_id, candidate_id),
    foreign key (workspace_id, candidate_id) references candidates (workspace_id, id)
        on delete cascade
);
select enable_tenant_rls('bench_members');

-- Versioned response prompts; each lead is answered with one (policy on the profile).
create table lead_prompt_variants (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 80),
    version integer not null default 1 check (version >= 1),
    instructions text not null check (length(instructions) between 1 and 8000),
    share numeric not null default 1 check (share >= 0),
    retired_at timestamptz,
    created_by bigint references users (id) on delete set null,
    created_at timestamptz not null default now(),
    unique (workspace_id, name, version),
    unique (workspace_id, id)
);
select enable_tenant_rls('lead_prompt_variants');

alter table leads
    add constraint leads_status_check check (status in
        ('new', 'qualified', 'responded', 'replied', 'meeting', 'won', 'lost', 'archived')),
    add column description text not null default '',
    add column language text check (language is null or language in ('ru', 'en')),
    add column analysis jsonb,
    add column fit_score integer check (fit_score is null or fit_score between 0 and 100),
    add column fit_reasons jsonb not null default '[]'::jsonb,
    add column bench_matches jsonb not null default '[]'::jsonb,
    add column dedupe_key text,
    add column duplicate_of bigint references leads (id) on delete set null,
    add column embedding vector(512),
    add column embedding_engine text,
    add column analyzed_at timestamptz,
    add column archive_reason text,
    add column lost_reason text,
    add column owner_user_id bigint references users (id) on delete set null,
    add column quality smallint check (quality is null or quality between 1 and 5),
    add column variant_id bigint references lead_prompt_variants (id) on delete set null,
    add column status_changed_at timestamptz not null default now(),
    add constraint leads_lost_reason check (status <> 'lost' or lost_reason is not null),
    add constraint leads_archive_reason check (status <> 'archived' or archive_reason is not null),
    add constraint leads_workspace_id_key unique (workspace_id, id);
update leads set archive_reason = 'archived before the CRM' where status = 'archived';
create index leads_workspace_status_idx on leads (workspace_id, status);
create index leads_dedupe_idx on leads (workspace_id, dedupe_key);
create index leads_unanalysed_idx on leads (workspace_id) where analyzed_at is null;

-- A lead's history: every message in and out, status changes, notes, meetings, ratings.
create table lead_events (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    lead_id bigint not null,
    kind text not null check (kind in ('created', 'analysed', 'status', 'message_out',
        'message_in', 'note', 'meeting', 'assigned', 'rated', 'duplicate')),
    body text not null default '',
    data jsonb not null default '{}'::jsonb,
    -- What the outside world calls the event (a board's message id, Calendly's invitee URI):
    -- the same event received twice is recorded once.
    external_id text,
    actor_user_id bigint references users (id) on delete set null,
    created_at timestamptz not null default now(),
    foreign key (workspace_id, lead_id) references leads (workspace_id, id) on delete cascade,
    unique (workspace_id, kind, external_id)
);
select enable_tenant_rls('lead_events');
create index lead_events_lead_idx on lead_events (lead_id, id);

-- The response to a lead: drafted, edited, approved (or sent by itself above the profile's
-- threshold), then queued in the outbox once. One per lead.
create table lead_responses (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    lead_id bigint not null,
    variant_id bigint references lead_prompt_variants (id) on delete set null,
    language text not null check (language in ('ru', 'en')),
    subject text not null default '',
    body text not null check (length(body) between 1 and 20000),
    engine text not null,
    channel text not null check (channel in ('djinni', 'linkedin', 'hh', 'email')),
    recipient text,
    status text not null default 'draft'
        check (status in ('draft', 'approved', 'queued', 'sent', 'failed')),
    outbox_id bigint references outbox (id) on delete set null,
    error text,
    edited_by bigint references users (id) on delete set null,
    approved_by bigint references users (id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    sent_at timestamptz,
    foreign key (workspace_id, lead_id) references leads (workspace_id, id) on delete cascade,
    unique (workspace_id, lead_id)
);
select enable_tenant_rls('lead_responses');
create trigger lead_responses_touch before update on lead_responses
    for each row execute function touch_updated_at();

-- Meetings booked through Calendly (or the plain booking link, recorded by hand).
create table lead_meetings (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    lead_id bigint not null,
    booking_url text,
    invitee_uri text,
    event_uri text,
    invitee_name text,
    invitee_email text,
    start_at timestamptz,
    end_at timestamptz,
    timezone text,
    status text not null default 'link_sent'
        check (status in ('link_sent', 'scheduled', 'canceled')),
    cancel_reason text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    foreign key (workspace_id, lead_id) references leads (workspace_id, id) on delete cascade,
    unique (workspace_id, invitee_uri)
);
select enable_tenant_rls('lead_meetings');
create trigger lead_meetings_touch before update on lead_meetings
    for each row execute function touch_updated_at();

-- HeadHunter's public vacancy search (`GET /vacancies`, no account needed) is a board too.
alter table board_searches drop constraint board_searches_board_check;
alter table board_searches add constraint board_searches_board_check
    check (board in ('djinni', 'linkedin', 'indeed', 'hh'));
