-- Conversations page (issue 14): when a recruiter last read each chat, so the list can show how
-- many of the candidate's messages are new.
alter table telegram_chats add column recruiter_read_at timestamptz;
