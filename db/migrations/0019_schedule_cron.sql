-- Cron-like schedules (issue 13): a schedule runs every `interval_s` seconds, or, when `cron`
-- is set, at the times a five-field cron expression names ("0 3 * * *": every day at 03:00)
-- in `timezone` (an IANA name). The next run is computed by the application (db/schedules.py)
-- when a run is claimed; expressions and zones are checked there before they are stored.
alter table schedules
    add column cron text check (cron is null or length(cron) between 9 and 100),
    add column timezone text not null default 'UTC' check (length(timezone) between 1 and 64);
alter table workspace_schedules
    add column cron text check (cron is null or length(cron) between 9 and 100),
    add column timezone text not null default 'UTC' check (length(timezone) between 1 and 64);
