-- Notifications for people and webhooks for integrators (issue 13, sections 4 and 5).

-- A person's inbox in a workspace: what needs them (a strong candidate, a report ready or
-- flagged, a message that failed for good). Rows are written by the product (in the
-- transaction of the change that caused them, so a rolled-back change notifies nobody), read
-- and marked read by their recipient. `dedupe_key` makes a retried change notify once.
create table notifications (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    user_id bigint not null references users (id) on delete cascade,
    kind text not null,
    dedupe_key text not null check (length(dedupe_key) between 1 and 200),
    title text not null,
    body text not null default '',
    subject jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now(),
    read_at timestamptz,
    unique (workspace_id, user_id, dedupe_key)
);
create index notifications_inbox_idx on notifications (workspace_id, user_id, created_at desc);
create index notifications_unread_idx on notifications (workspace_id, user_id)
    where read_at is null;
select enable_tenant_rls('notifications');

-- Which channels a person wants, per kind of notification, on top of the inbox (always on).
-- `channels` maps a kind to a list of 'email' / 'slack'; a kind not named gets the inbox only.
-- The Slack incoming-webhook URL is a credential: stored sealed (db/secret_box.py). `language`
-- is the language of the e-mails and Slack posts (the console shows the inbox in its own).
create table notification_settings (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    user_id bigint not null references users (id) on delete cascade,
    channels jsonb not null default '{}'::jsonb,
    language text not null default 'en' check (language in ('ru', 'en')),
    slack_webhook_sealed bytea,
    updated_at timestamptz not null default now(),
    primary key (workspace_id, user_id)
);
select enable_tenant_rls('notification_settings');

-- Outbound webhooks: endpoints an integrator registered, the events each wants, and its signing
-- secret (sealed). Deliveries are outbox rows of kind 'webhook' naming the endpoint.
create table webhook_endpoints (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    url text not null check (url ~ '^https?://' and length(url) <= 2000),
    events text[] not null check (cardinality(events) > 0),
    description text not null default '' check (length(description) <= 200),
    secret_sealed bytea not null,
    enabled boolean not null default true,
    created_by bigint references users (id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
select enable_tenant_rls('webhook_endpoints');
create index outbox_webhook_endpoint_idx on outbox (((payload ->> 'endpoint_id')::bigint), id desc)
    where kind = 'webhook';

-- Inbound webhooks: sources allowed to POST to /api/v1/hooks/{public_id}, each with its kind
-- (who sends: 'generic' integrators now; HeadHunter and Telegram next) and signing secret.
create table inbound_hooks (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    source text not null check (source ~ '^[a-z][a-z0-9_]{0,31}$'),
    public_id text not null unique check (public_id ~ '^[A-Za-z0-9_-]{16,64}$'),
    description text not null default '' check (length(description) <= 200),
    secret_sealed bytea not null,
    enabled boolean not null default true,
    created_by bigint references users (id) on delete set null,
    created_at timestamptz not null default now()
);
select enable_tenant_rls('inbound_hooks');

-- Every accepted inbound event, stored raw before anything acts on it; a repeat of an event id
-- from the same hook is refused by the unique key (and answered as a duplicate).
create table inbound_events (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    hook_id bigint not null references inbound_hooks (id) on delete cascade,
    event_id text not null check (length(event_id) between 1 and 200),
    body bytea not null,
    headers jsonb not null default '{}'::jsonb,
    status text not null default 'received'
        check (status in ('received', 'processed', 'stored', 'failed')),
    error text,
    received_at timestamptz not null default now(),
    processed_at timestamptz,
    unique (hook_id, event_id)
);
create index inbound_events_recent_idx on inbound_events (workspace_id, received_at desc);
select enable_tenant_rls('inbound_events');

-- An unauthenticated POST names only the hook's public id; this tells the API which workspace
-- and secret it belongs to, and nothing else. Leaks: for a public id (128 random bits, known
-- only to the sender it was given to), its workspace, kind and sealed secret.
create policy automation_owner_read on inbound_hooks for select to current_user using (true);
create function inbound_hook_lookup(hook_public_id text)
    returns table (workspace_id uuid, hook_id bigint, source text, secret_sealed bytea,
                   enabled boolean)
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select h.workspace_id, h.id, h.source, h.secret_sealed, h.enabled
        from inbound_hooks h where h.public_id = hook_public_id
    $$;
revoke all on function inbound_hook_lookup(text) from public;
