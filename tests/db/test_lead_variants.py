"""Prompt variants: seeded defaults, versioned revisions, retirement and shares, per workspace."""

from __future__ import annotations

import pytest
from psycopg_pool import ConnectionPool

from db import lead_variants
from db.errors import Conflict, InvalidValue, NotFound
from db.lead_variants import LastActiveVariant, VariantRetired
from db.pool import transaction
from pipelines.leads.response_texts import style_of
from tests.db import factories


def test_defaults_are_seeded_once_with_one_style_each(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        first = lead_variants.ensure_defaults(conn, workspace_id=ws.id)
        again = lead_variants.ensure_defaults(conn, workspace_id=ws.id)
    assert [(v.name, v.version) for v in first] == [("consultative", 1), ("direct", 1)]
    assert [v.id for v in again] == [v.id for v in first]
    assert {v.name: style_of(v.instructions) for v in first} == {
        "consultative": "consultative",
        "direct": "direct",
    }
    assert all(v.active and v.share == 1.0 for v in first)


def test_retired_defaults_are_not_seeded_again(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        seeded = lead_variants.ensure_defaults(conn, workspace_id=ws.id)
        mine = lead_variants.create_variant(
            conn, workspace_id=ws.id, name="short", instructions="style: direct\nBe brief."
        )
        for variant in seeded:
            lead_variants.retire_variant(conn, variant_id=variant.id)
        active = lead_variants.ensure_defaults(conn, workspace_id=ws.id)
        everything = lead_variants.list_variants(conn, include_retired=True)
    assert [v.id for v in active] == [mine.id]
    assert len(everything) == 3


def test_revise_creates_the_next_version_and_retires_the_old(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        v1 = lead_variants.create_variant(
            conn, workspace_id=ws.id, name="warm", instructions="style: direct\nBe warm.", share=3
        )
        lead_variants.create_variant(conn, workspace_id=ws.id, name="other", instructions="x")
        v2 = lead_variants.revise_variant(
            conn, variant_id=v1.id, instructions="style: consultative\nBe warmer."
        )
        unchanged = lead_variants.revise_variant(
            conn, variant_id=v2.id, instructions="  style: consultative\nBe warmer. "
        )
        old = lead_variants.get_variant(conn, variant_id=v1.id)
        with pytest.raises(VariantRetired):
            lead_variants.revise_variant(conn, variant_id=v1.id, instructions="again")
        with pytest.raises(VariantRetired):
            lead_variants.set_share(conn, variant_id=v1.id, share=1)
        active = lead_variants.list_variants(conn)
    assert (v2.name, v2.version, v2.share, v2.active) == ("warm", 2, 3.0, True)
    assert v2.label == "warm v2" and style_of(v2.instructions) == "consultative"
    assert unchanged.id == v2.id
    assert old.version == 1 and not old.active and old.instructions == "style: direct\nBe warm."
    assert [(v.name, v.version) for v in active] == [("other", 1), ("warm", 2)]


def test_create_refuses_a_taken_name_and_bad_values(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        lead_variants.create_variant(conn, workspace_id=ws.id, name="A", instructions="one")
        with pytest.raises(Conflict):
            lead_variants.create_variant(conn, workspace_id=ws.id, name=" A ", instructions="two")
        with pytest.raises(InvalidValue):
            lead_variants.create_variant(conn, workspace_id=ws.id, name="B", instructions="  ")
        with pytest.raises(InvalidValue):
            lead_variants.create_variant(
                conn, workspace_id=ws.id, name="C", instructions="x", share=-1
            )
        assert [v.name for v in lead_variants.list_variants(conn)] == ["A"]


def test_the_last_active_variant_cannot_be_retired(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        a = lead_variants.create_variant(conn, workspace_id=ws.id, name="A", instructions="a")
        b = lead_variants.create_variant(conn, workspace_id=ws.id, name="B", instructions="b")
        retired = lead_variants.retire_variant(conn, variant_id=a.id)
        assert lead_variants.retire_variant(conn, variant_id=a.id).retired_at == retired.retired_at
        with pytest.raises(LastActiveVariant) as caught:
            lead_variants.retire_variant(conn, variant_id=b.id)
        assert caught.value.code == "last_active_variant"
        share = lead_variants.set_share(conn, variant_id=b.id, share=0.25)
    assert not retired.active and share.share == 0.25


def test_workspaces_see_only_their_own_variants(pool: ConnectionPool) -> None:
    mine, theirs = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=theirs.id) as conn:
        other = lead_variants.create_variant(
            conn, workspace_id=theirs.id, name="x", instructions="x"
        )
    with transaction(pool, workspace_id=mine.id) as conn:
        seeded = lead_variants.ensure_defaults(conn, workspace_id=mine.id)
        with pytest.raises(NotFound):
            lead_variants.get_variant(conn, variant_id=other.id)
    assert len(seeded) == 2  # the other workspace's variant does not stop the seeding
