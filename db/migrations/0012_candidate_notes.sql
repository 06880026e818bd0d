-- Candidate notes: what recruiters write about a person on the candidate page. A note belongs
-- to the candidate (deleting the candidate deletes their notes) and outlives its author, whose
-- reference is nulled when the account goes.
create table candidate_notes (
    id bigint generated always as identity primary key,
    workspace_id uuid not null references workspaces (id) on delete cascade,
    candidate_id bigint not null,
    author_user_id bigint references users (id) on delete set null,
    body text not null check (length(body) <= 5000 and btrim(body) <> ''),
    created_at timestamptz not null default now(),
    -- Composite, like 0002's references: Postgres checks foreign keys without row-level
    -- security, so a single-column key could attach a note to another workspace's candidate.
    foreign key (workspace_id, candidate_id) references candidates (workspace_id, id)
        on delete cascade
);
create index candidate_notes_candidate_idx on candidate_notes (candidate_id, created_at);

-- Enabled and forced like every tenant table (0003_rls.sql); the application role's grants
-- come from db/roles.py, which grants on every table after each migration run.
select enable_tenant_rls('candidate_notes');
