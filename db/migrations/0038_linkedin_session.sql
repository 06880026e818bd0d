-- LinkedIn by browser (issue 16): a LinkedIn lead's response goes as a message to the job's
-- poster, written by the workspace's signed-in LinkedIn account.
--
-- The session is the workspace's `integrations` row of kind 'linkedin': the cookies JSON (with
-- LinkedIn's `li_at`) sealed in `secrets_encrypted`, the site and when it was saved in
-- `settings` (pipelines/leads/board_session.py). The kinds are 0028's, plus 'linkedin'.
alter table integrations drop constraint integrations_kind_check;
alter table integrations add constraint integrations_kind_check check (kind in
    ('hh', 'hh_browser', 'telegram', 'djinni', 'linkedin', 'openai', 'deepgram', 'elevenlabs'));
