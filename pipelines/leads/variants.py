"""Which prompt variant answers a lead: the workspace's policy (`leadgen_profiles.variant_policy`).

- 'thompson' (the default) learns which prompt gets answers. Each active variant's reply rate
  is believed to be Beta(1 + replied, 1 + responded − replied), counted over the leads
  answered with it: responded = a response was sent (the lead reached 'responded' or beyond,
  or has a `message_out` event), replied = the lead reached 'replied' or beyond (replied,
  meeting, won) or has a `message_in` event — the rules of db.lead_reports, so the policy
  learns from exactly what the report shows. One draw from each belief; the highest wins. A
  new variant (a flat Beta(1, 1)) gets tried often, a proven one is chosen most of the time,
  and a bad one fades without ever being excluded for good. `share` is not used.
- 'fixed' is the owner's A/B split: a variant is chosen with probability share / Σ shares
  (share 0: never). If every share is 0 the active variants are chosen evenly.

Retired variants are never chosen. The chosen variant is recorded on the lead
(db.leads.set_variant), which is how the report and the next draw attribute the outcome.
`rng` is injectable so tests (and a replay) are deterministic.
"""

from __future__ import annotations

import random
from uuid import UUID

import psycopg

from db import lead_reports, lead_variants, leads
from db.errors import InvalidValue, NotFound
from db.lead_variants import Variant

POLICIES = ("thompson", "fixed")


def pick(
    variants: list[Variant],
    *,
    policy: str,
    outcomes: dict[int, tuple[int, int]],
    rng: random.Random,
) -> Variant:
    """One of the active `variants` by `policy`; `outcomes` is {variant id: (responded,
    replied)} for 'thompson'."""
    if policy not in POLICIES:
        raise InvalidValue(f"a variant policy is one of {POLICIES}, got '{policy}'")
    active = [v for v in variants if v.active]
    if not active:
        raise NotFound("no active prompt variant to answer leads with")
    if policy == "thompson":
        draws = []
        for variant in active:
            responded, replied = outcomes.get(variant.id, (0, 0))
            replied = min(replied, responded)
            draws.append(rng.betavariate(1 + replied, 1 + responded - replied))
        return active[max(range(len(active)), key=draws.__getitem__)]
    weights = [v.share for v in active]
    if sum(weights) <= 0:
        weights = [1.0] * len(active)
    return rng.choices(active, weights=weights, k=1)[0]


def choose_variant(
    conn: psycopg.Connection,
    workspace_id: UUID,
    *,
    policy: str,
    rng: random.Random | None = None,
) -> Variant:
    """A variant for the next lead of the workspace in context (defaults seeded on first use)."""
    active = lead_variants.ensure_defaults(conn, workspace_id=workspace_id)
    outcomes = lead_reports.variant_outcomes(conn) if policy == "thompson" else {}
    return pick(active, policy=policy, outcomes=outcomes, rng=rng or random.Random())


def assign_variant(
    conn: psycopg.Connection,
    workspace_id: UUID,
    *,
    lead_id: int,
    policy: str,
    rng: random.Random | None = None,
) -> Variant:
    """The lead's variant: the one it has while that is active, else a new choice recorded on
    the lead (a lead whose variant was retired before its response went is answered anew)."""
    lead = leads.get_lead(conn, lead_id=lead_id, for_update=True)
    if lead.variant_id is not None:
        try:
            current = lead_variants.get_variant(conn, variant_id=lead.variant_id)
        except NotFound:
            current = None
        if current is not None and current.active:
            return current
    variant = choose_variant(conn, workspace_id, policy=policy, rng=rng)
    leads.set_variant(conn, lead_id=lead_id, variant_id=variant.id)
    return variant
