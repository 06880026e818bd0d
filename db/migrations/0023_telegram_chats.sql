-- Telegram chats (issue 14): who a chat with the workspace's account is, and what it is about.
-- A chat is tied to a candidate's application when they open the invitation's deep link
-- (t.me/<account>?start=<token>); from then on the bot knows which interview their messages
-- answer. `access_hash` is what the account needs to write to them first (Telegram's proof
-- that it has seen them). One row per (workspace, chat).
create table telegram_chats (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    chat_id bigint not null,
    access_hash bigint,
    username text,
    candidate_id bigint,
    application_id bigint,
    interview_id bigint,
    last_inbound_at timestamptz,
    nudged_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (workspace_id, chat_id),
    foreign key (workspace_id, candidate_id) references candidates (workspace_id, id)
        on delete set null (candidate_id),
    foreign key (workspace_id, interview_id) references interviews (workspace_id, id)
        on delete set null (interview_id)
);
create index telegram_chats_interview_idx on telegram_chats (interview_id)
    where interview_id is not null;
select enable_tenant_rls('telegram_chats');
