-- Sign-in sessions and failed sign-ins (issue 11).
-- A session token names its row here, so signing out ends that session and a password change
-- ends the others; a token is honoured only while its row is live. Both tables belong to
-- users, not to a workspace (like `users`), so they carry no workspace policy.
create table sessions (
    id uuid primary key,
    user_id bigint not null references users (id) on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz
);
create index sessions_live_by_user on sessions (user_id) where revoked_at is null;

-- Failed sign-ins, counted per e-mail (known or not: the answer must not tell which) and per
-- client address to throttle guessing; a success clears the e-mail's failures.
create table login_failures (
    id bigserial primary key,
    email text not null,
    address text not null,
    at timestamptz not null default now()
);
create index login_failures_email on login_failures (email, at);
create index login_failures_address on login_failures (address, at);
