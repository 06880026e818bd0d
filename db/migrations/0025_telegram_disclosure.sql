-- Whether the interviewer says she is a virtual (AI) interviewer in the workspace's Telegram
-- chats (issue 14: off unless the workspace turns it on; the voice interview always says so).
alter table workspaces add column telegram_disclose_ai boolean not null default false;
