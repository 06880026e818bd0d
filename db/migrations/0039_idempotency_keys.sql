-- Idempotency keys of the API's creating requests (the `Idempotency-Key` header, as Stripe and
-- draft-ietf-httpapi-idempotency-key-header use it): a POST retried with the same key has one
-- effect. A key belongs to one workspace and one principal (a user or an API key, 'user:<id>' /
-- 'api_key:<id>'), and to the method and path it was sent to; another workspace's or another
-- caller's identical key is a different key.
--
-- A request claims its key by inserting a 'running' row in a short transaction of its own (the
-- unique key makes a concurrent claim fail), runs, then stores its response ('completed'); a
-- server error deletes the row so a retry runs again. `token` names the claim, so a request
-- whose lease was taken over can neither complete nor release the new holder's row. A running
-- row whose `locked_until` passed belongs to a request that died with its replica: a retry
-- with the same body takes it over, unless that request's effect had committed. Rows live 24 hours (`expires_at`); an expired row is
-- ignored, overwritten by the next claim, and deleted lazily by claims in its workspace
-- (db/idempotency.py).
create table idempotency_keys (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    principal text not null check (principal ~ '^(user|api_key):[0-9]+$'),
    key text not null check (length(key) between 1 and 255),
    method text not null check (method ~ '^[A-Z]{1,16}$'),
    path text not null check (length(path) between 1 and 1000),
    -- SHA-256 of what the request asked for (query, media type, body): the same key with
    -- another request is refused, never replayed.
    fingerprint bytea not null check (length(fingerprint) = 32),
    state text not null default 'running' check (state in ('running', 'completed')),
    token uuid not null,
    locked_until timestamptz,
    -- Set in the same transaction as the request's own writes (db.pool.before_commit): once
    -- true, the request's effect happened, so the key never runs again: a failure is replayed,
    -- and a request that died before keeping its answer leaves an unknown outcome, not a rerun.
    effect_committed boolean not null default false,
    response_status smallint check (response_status between 100 and 599),
    response_type text,
    response_location text,
    -- Sealed (db/secret_box.py) with the row's id as its purpose: a response may carry a
    -- secret shown once (a new API key, a webhook signing secret, an interview link).
    response_body bytea,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    unique (workspace_id, principal, key, method, path),
    check (state = 'running' and locked_until is not null
           or state = 'completed' and response_status is not null and response_body is not null)
);
create index idempotency_keys_expiry on idempotency_keys (workspace_id, expires_at);

-- Enabled and forced like every tenant table (0003_rls.sql); the application role's grants
-- come from db/roles.py, which grants on every table after each migration run.
select enable_tenant_rls('idempotency_keys');
