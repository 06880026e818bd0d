-- Parse leases (issue 11): 'parsing' is a lease that runs out, not a lock held for ever by a
-- worker that may have died. A claim records who holds it (parse_owner: the caller's identity,
-- the same across Ray's retries of one task), until when (parse_lease_until), and which claim it
-- is (parse_attempts, counted since the resume last became pending). A retry of the same task,
-- or anyone once the lease ran out, may take the resume over; too many attempts end it failed.
-- Resumes left in 'parsing' by earlier versions have no lease: they count as expired.
alter table resumes
    add column parse_attempts integer not null default 0 check (parse_attempts >= 0),
    add column parse_owner text,
    add column parse_lease_until timestamptz;
