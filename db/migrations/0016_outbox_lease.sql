-- Outbox leases (issue 13): 'sending' is a lease that runs out, not a state a dead dispatcher
-- leaves behind for ever. A claim records who holds the item (lease_owner, one token per
-- dispatcher pass) and until when (lease_until). Marks are accepted only from the holder, so a
-- dispatcher that outlived its lease cannot overwrite the outcome of the one that took over;
-- once the lease ran out any dispatcher may claim the item again (at most one repeat per
-- expired lease, under the same idempotency key). Items left 'sending' by earlier versions
-- have no lease: requeue_stuck returns them.
alter table outbox
    add column lease_owner text,
    add column lease_until timestamptz;
create index outbox_lease_idx on outbox (lease_until) where status = 'sending';
