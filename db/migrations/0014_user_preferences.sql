-- What a person chose for themselves in the console (the interface language for now), kept
-- per user so it follows them to any browser. One row per user, written and read only in that
-- user's own context, like sessions (0010): forced row-level security on app_user_id().
create table user_preferences (
    user_id bigint primary key references users (id) on delete cascade,
    language text check (language in ('ru', 'en')),
    updated_at timestamptz not null default now()
);

alter table user_preferences enable row level security;
alter table user_preferences force row level security;
create policy own_preferences on user_preferences
    using (user_id = app_user_id()) with check (user_id = app_user_id());
