"""Variant assignment follows the policy: the owner's fixed split, or Thompson sampling on the
reply rates the leads' events show; a retired variant is never chosen."""

from __future__ import annotations

import random
import uuid
from collections import Counter

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from db import lead_variants, leads
from db.errors import InvalidValue
from db.lead_variants import Variant
from db.pool import transaction
from db.workspaces import Workspace
from pipelines.leads.variants import assign_variant, choose_variant
from tests.db import factories


def _variants(conn: psycopg.Connection, ws: Workspace, **shares: float) -> dict[str, Variant]:
    return {
        name: lead_variants.create_variant(
            conn, workspace_id=ws.id, name=name, instructions=f"style: direct\n{name}", share=share
        )
        for name, share in shares.items()
    }


def _draws(
    conn: psycopg.Connection, ws: Workspace, policy: str, n: int, seed: int = 7
) -> Counter[str]:
    rng = random.Random(seed)
    return Counter(choose_variant(conn, ws.id, policy=policy, rng=rng).name for _ in range(n))


def _answered(
    conn: psycopg.Connection, ws: Workspace, variant: Variant, *, sent: int, replied: int
) -> None:
    """`sent` leads answered with `variant`, of which `replied` answered back."""
    for i in range(sent):
        lead, _ = leads.upsert_lead(
            conn, workspace_id=ws.id, source="djinni", external_id=uuid.uuid4().hex
        )
        leads.set_variant(conn, lead_id=lead.id, variant_id=variant.id)
        leads.set_status(conn, lead_id=lead.id, status="qualified")
        leads.add_event(conn, lead_id=lead.id, kind="message_out", body="our response")
        leads.advance(conn, lead_id=lead.id, status="responded")
        if i < replied:
            leads.add_event(conn, lead_id=lead.id, kind="message_in", body="their answer")
            leads.advance(conn, lead_id=lead.id, status="replied")


def test_fixed_split_follows_the_shares(pool: ConnectionPool) -> None:
    ws, split = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        _variants(conn, ws, A=1, B=0)
        all_a = _draws(conn, ws, "fixed", 200)
    with transaction(pool, workspace_id=split.id) as conn:
        _variants(conn, split, A=70, B=30)
        seventy = _draws(conn, split, "fixed", 1000)
    assert all_a == {"A": 200}
    assert 0.65 <= seventy["A"] / 1000 <= 0.75
    assert seventy["A"] + seventy["B"] == 1000


def test_thompson_favours_the_variant_that_gets_replies(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        v = _variants(conn, ws, good=1, poor=1)
        _answered(conn, ws, v["good"], sent=10, replied=8)
        _answered(conn, ws, v["poor"], sent=10, replied=1)
        draws = _draws(conn, ws, "thompson", 200)
    assert draws["good"] >= 180, draws


def test_thompson_explores_variants_without_data(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        _variants(conn, ws, one=1, two=0)  # the share does not matter to Thompson
        draws = _draws(conn, ws, "thompson", 400)
    assert 150 <= draws["two"] <= 250, draws


def test_a_retired_variant_is_never_chosen(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        v = _variants(conn, ws, old=100, new=1)
        _answered(conn, ws, v["old"], sent=10, replied=10)
        lead_variants.retire_variant(conn, variant_id=v["old"].id)
        fixed = _draws(conn, ws, "fixed", 100)
        thompson = _draws(conn, ws, "thompson", 100)
        with pytest.raises(InvalidValue):
            choose_variant(conn, ws.id, policy="greedy", rng=random.Random(1))
    assert fixed == {"new": 100} and thompson == {"new": 100}


def test_defaults_are_seeded_on_first_choice(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        draws = _draws(conn, ws, "fixed", 200)
    assert set(draws) == {"direct", "consultative"}


def test_the_lead_keeps_its_variant_until_it_is_retired(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        v = _variants(conn, ws, A=1, B=0)
        lead, _ = leads.upsert_lead(conn, workspace_id=ws.id, source="hh", external_id="1")
        first = assign_variant(conn, ws.id, lead_id=lead.id, policy="fixed", rng=random.Random(1))
        lead_variants.set_share(conn, variant_id=v["A"].id, share=0)
        lead_variants.set_share(conn, variant_id=v["B"].id, share=1)
        kept = assign_variant(conn, ws.id, lead_id=lead.id, policy="fixed", rng=random.Random(2))
        lead_variants.retire_variant(conn, variant_id=v["A"].id)
        moved = assign_variant(conn, ws.id, lead_id=lead.id, policy="fixed", rng=random.Random(3))
        stored = leads.get_lead(conn, lead_id=lead.id)
    assert (first.name, kept.name, moved.name) == ("A", "A", "B")
    assert stored.variant_id == v["B"].id
