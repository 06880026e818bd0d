-- Notifications by Telegram (issue 16 §7): a person may have their notifications sent to their
-- own Telegram @username by the workspace's account (the WorkspaceBot sends them like any other
-- Telegram outbox item; an account that writes to its own username lands in Saved Messages).
alter table notification_settings
    add column telegram_username text
        check (telegram_username is null or telegram_username ~ '^[A-Za-z][A-Za-z0-9_]{4,31}$');
