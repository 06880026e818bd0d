-- The hiring funnel: vacancies, candidates, resumes, applications, screenings, interviews,
-- transcripts, reports, Telegram messages, the outbox, leads and scheduled jobs.
-- References between tenant rows are composite (workspace_id, id) foreign keys: Postgres checks
-- foreign keys without row-level security, so a single-column key could point into another
-- workspace. `on delete set null (col)` nulls only the reference, never workspace_id.

create table vacancies (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    source text not null default 'manual'
        check (source in ('manual', 'upload', 'hh', 'djinni', 'board', 'api')),
    external_id text,
    title text not null check (length(btrim(title)) between 1 and 300),
    description text not null default '',
    requirements jsonb not null default '{}'::jsonb,
    language text not null default 'ru' check (language in ('ru', 'en')),
    location text,
    status text not null default 'active' check (status in ('active', 'archived')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (workspace_id, source, external_id),
    unique (workspace_id, id)
);
create index vacancies_workspace_status_idx on vacancies (workspace_id, status, created_at desc);

create table candidates (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    full_name text not null default '',
    email text,
    phone text,
    telegram_username text,
    location text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (workspace_id, id)
);
-- Deduplication keys: one candidate per workspace per email / phone / Telegram username.
create unique index candidates_email_key on candidates (workspace_id, lower(email))
    where email is not null;
create unique index candidates_phone_key on candidates (workspace_id, phone)
    where phone is not null;
create unique index candidates_telegram_key on candidates (workspace_id, lower(telegram_username))
    where telegram_username is not null;

create table resumes (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    candidate_id bigint,
    file_name text not null,
    content_type text,
    file_size integer not null default 0 check (file_size >= 0),
    file_sha256 text,
    file bytea,
    text text,
    profile jsonb,
    profile_engine text,
    embedding vector(512),
    embedding_engine text,
    status text not null default 'pending' check (status in
        ('pending', 'parsing', 'parsed', 'interview_scheduled', 'interviewed', 'failed')),
    failure_reason text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (status <> 'failed' or failure_reason is not null),
    unique (workspace_id, id),
    foreign key (workspace_id, candidate_id) references candidates (workspace_id, id)
        on delete set null (candidate_id)
);
create index resumes_workspace_status_idx on resumes (workspace_id, status);
create index resumes_candidate_idx on resumes (candidate_id);
create index resumes_sha_idx on resumes (workspace_id, file_sha256);
create index resumes_embedding_idx on resumes using hnsw (embedding vector_cosine_ops);

create table applications (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    candidate_id bigint not null,
    vacancy_id bigint not null,
    resume_id bigint,
    source text not null default 'manual'
        check (source in ('manual', 'upload', 'hh', 'djinni', 'board', 'telegram', 'api', 'demo')),
    external_id text,
    stage text not null default 'new' check (stage in
        ('new', 'screened', 'interview_scheduled', 'interviewed', 'offer', 'hired', 'rejected')),
    score smallint check (score between 0 and 100),
    recommendation text check (recommendation in
        ('strongly_recommend', 'recommend', 'consider', 'reject')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (workspace_id, candidate_id, vacancy_id),
    unique (workspace_id, id),
    foreign key (workspace_id, candidate_id) references candidates (workspace_id, id)
        on delete cascade,
    foreign key (workspace_id, vacancy_id) references vacancies (workspace_id, id)
        on delete cascade,
    foreign key (workspace_id, resume_id) references resumes (workspace_id, id)
        on delete set null (resume_id)
);
create index applications_vacancy_score_idx on applications (vacancy_id, score desc nulls last);

create table screenings (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    application_id bigint not null,
    resume_id bigint,
    score smallint not null check (score between 0 and 100),
    matched jsonb not null default '[]'::jsonb,
    missing jsonb not null default '[]'::jsonb,
    rationale text not null default '',
    recommendation text not null check (recommendation in
        ('strongly_recommend', 'recommend', 'consider', 'reject')),
    engine text not null,
    flags jsonb not null default '[]'::jsonb,
    created_at timestamptz not null default now(),
    foreign key (workspace_id, application_id) references applications (workspace_id, id)
        on delete cascade,
    foreign key (workspace_id, resume_id) references resumes (workspace_id, id)
        on delete set null (resume_id)
);
create index screenings_application_idx on screenings (application_id, created_at desc);

create table interviews (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    application_id bigint not null,
    channel text not null check (channel in ('voice', 'telegram')),
    language text not null default 'ru' check (language in ('ru', 'en')),
    plan jsonb not null default '{}'::jsonb,
    status text not null default 'created'
        check (status in ('created', 'active', 'completed', 'failed')),
    link_token_hash text unique,
    link_expires_at timestamptz,
    link_revoked_at timestamptz,
    epoch integer not null default 0,
    failure_reason text,
    started_at timestamptz,
    ended_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (status <> 'failed' or failure_reason is not null),
    unique (workspace_id, id),
    foreign key (workspace_id, application_id) references applications (workspace_id, id)
        on delete cascade
);
create index interviews_application_idx on interviews (application_id);
create index interviews_workspace_status_idx on interviews (workspace_id, status);

create table interview_turns (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    interview_id bigint not null,
    seq integer not null check (seq >= 0),
    role text not null check (role in ('interviewer', 'candidate', 'system')),
    text text not null,
    question_index integer,
    started_at timestamptz,
    ended_at timestamptz,
    voice_to_voice_ms integer,
    stt_ttfb_ms integer,
    llm_ttfb_ms integer,
    tts_ttfb_ms integer,
    engine text,
    epoch integer not null default 0,
    created_at timestamptz not null default now(),
    unique (interview_id, seq),
    foreign key (workspace_id, interview_id) references interviews (workspace_id, id)
        on delete cascade
);

create table interview_reports (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    interview_id bigint not null unique,
    technical_skills smallint not null check (technical_skills between 0 and 100),
    experience_relevance smallint not null check (experience_relevance between 0 and 100),
    communication smallint not null check (communication between 0 and 100),
    problem_solving smallint not null check (problem_solving between 0 and 100),
    cultural_fit smallint not null check (cultural_fit between 0 and 100),
    overall smallint not null check (overall between 0 and 100),
    recommendation text not null check (recommendation in
        ('strongly_recommend', 'recommend', 'consider', 'reject')),
    evidence jsonb not null default '{}'::jsonb,
    summary text not null default '',
    engine text not null,
    pdf bytea,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    foreign key (workspace_id, interview_id) references interviews (workspace_id, id)
        on delete cascade
);

create table messages (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    candidate_id bigint,
    interview_id bigint,
    channel text not null default 'telegram' check (channel in ('telegram', 'email', 'hh')),
    direction text not null check (direction in ('inbound', 'outbound')),
    chat_id text,
    external_id text,
    text text not null default '',
    media jsonb,
    sent_at timestamptz not null default now(),
    created_at timestamptz not null default now(),
    foreign key (workspace_id, candidate_id) references candidates (workspace_id, id)
        on delete set null (candidate_id),
    foreign key (workspace_id, interview_id) references interviews (workspace_id, id)
        on delete set null (interview_id)
);
-- A retried delivery of the same external message is one row, even without a chat id.
create unique index messages_external_key on messages
    (workspace_id, channel, chat_id, direction, external_id) nulls not distinct
    where external_id is not null;
create index messages_candidate_idx on messages (candidate_id, sent_at);

create table outbox (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    kind text not null,
    idempotency_key text not null check (length(idempotency_key) between 1 and 200),
    payload jsonb not null default '{}'::jsonb,
    status text not null default 'pending'
        check (status in ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts integer not null default 0,
    available_at timestamptz not null default now(),
    last_error text,
    external_id text,
    sent_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (workspace_id, idempotency_key)
);
create index outbox_due_idx on outbox (available_at) where status = 'pending';

create table leads (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    source text not null,
    external_id text not null,
    url text,
    title text not null default '',
    company text,
    contact jsonb not null default '{}'::jsonb,
    payload jsonb not null default '{}'::jsonb,
    status text not null default 'new'
        check (status in ('new', 'contacted', 'qualified', 'discarded')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (workspace_id, source, external_id)
);

create table jobs (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    kind text not null,
    payload jsonb not null default '{}'::jsonb,
    status text not null default 'queued'
        check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts integer not null default 0,
    scheduled_for timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    result jsonb,
    error text,
    created_at timestamptz not null default now()
);
create index jobs_due_idx on jobs (scheduled_for) where status = 'queued';

create trigger vacancies_touch before update on vacancies
    for each row execute function touch_updated_at();
create trigger candidates_touch before update on candidates
    for each row execute function touch_updated_at();
create trigger resumes_touch before update on resumes
    for each row execute function touch_updated_at();
create trigger applications_touch before update on applications
    for each row execute function touch_updated_at();
create trigger interviews_touch before update on interviews
    for each row execute function touch_updated_at();
create trigger outbox_touch before update on outbox
    for each row execute function touch_updated_at();
create trigger leads_touch before update on leads
    for each row execute function touch_updated_at();
create trigger interview_reports_touch before update on interview_reports
    for each row execute function touch_updated_at();
