-- Telegram outreach and voice notes (issue 14).
--
-- Cold outreach (a first message to someone who never wrote to the account) is what Telegram
-- punishes with PEER_FLOOD. When it does, the workspace's cold outreach pauses until
-- `outreach_paused_until` (replies to candidates who wrote go on); the reason is kept for the
-- Telegram page.
alter table telegram_sessions
    add column outreach_paused_until timestamptz,
    add column outreach_pause_reason text;

-- One Telegram account runs in one workspace of an installation: two bots on one account
-- would both answer every candidate (and two clients on one imported session make Telegram
-- revoke it, AUTH_KEY_DUPLICATED). Telegram's user ids are global, so a unique index says it.
create unique index telegram_sessions_one_workspace_per_account
    on telegram_sessions (account_id) where status = 'active';

-- The audio of a voice note or audio file a candidate sent, for recruiters to play next to its
-- transcript. It goes with its message (retention erases messages, and so their audio).
create table message_audio (
    message_id bigint primary key references messages (id) on delete cascade,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    mime_type text not null check (length(mime_type) between 3 and 100),
    duration_s real,
    data bytea not null check (octet_length(data) <= 8 * 1024 * 1024),
    created_at timestamptz not null default now()
);
select enable_tenant_rls('message_audio');

-- The daily cap counts the first messages sent in the last 24 hours, before each one.
create index outbox_telegram_cold_sent_idx on outbox (workspace_id, sent_at)
    where kind = 'telegram.message' and payload ->> 'timing' = 'cold' and status = 'sent';
