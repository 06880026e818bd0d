"""What a workspace sells: defaults, the round trip, validation, sealed Calendly secrets, RLS."""

from __future__ import annotations

import pytest
from psycopg_pool import ConnectionPool

from db import leadgen_profiles as lp
from db.errors import InvalidValue, TenantContextMissing
from db.pool import transaction
from db.secret_box import SealedValueInvalid, SecretBox
from tests.db import factories

BOX = SecretBox(b"leadgen-test-secret-" + b"z" * 32)


def test_defaults_are_the_column_defaults(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        before = lp.get_profile(conn)
        conn.execute("insert into leadgen_profiles (workspace_id) values (%s)", (ws.id,))
        stored = lp.get_profile(conn)
    assert before.updated_at is None and stored.updated_at is not None
    assert before.workspace_id == stored.workspace_id == ws.id
    for name in lp.EDITABLE:
        assert getattr(before, name) == getattr(stored, name), name
    assert not stored.has_calendly_token and not stored.has_calendly_signing_key


def test_profile_round_trip_cleans_lists_and_keeps_fields_not_given(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        saved = lp.save_profile(
            conn,
            workspace_id=ws.id,
            updated_by=None,
            pitch="  We staff Python teams.  ",
            stacks=[" Python ", "Django", "python", "", "  ", "PostgreSQL"],
            seniority=["Senior", "mid", "team lead"],
            rate_min=40,
            rate_max=65.5,
            rate_currency="eur",
            regions=["EU", "Remote", "eu"],
            languages=["English", "Russian"],
            stop_words=["gambling", " crypto casino "],
            blocked_companies=["Evil Corp LLC"],
            fit_threshold=50,
            strong_threshold=80,
            auto_send_threshold=90,
            daily_caps={"djinni": 5, "indeed": 0, "email": 30},
            meeting_timezone="Europe/Berlin",
            booking_url="https://cal.example.com/us",
        )
        again = lp.save_profile(conn, workspace_id=ws.id, updated_by=None, fit_threshold=60)
        read = lp.get_profile(conn)
    assert saved.stacks == ["Python", "Django", "PostgreSQL"]
    assert saved.seniority == ["senior", "middle", "lead"]
    assert saved.regions == ["EU", "Remote"] and saved.stop_words == ["gambling", "crypto casino"]
    assert (saved.pitch, saved.rate_min, saved.rate_max, saved.rate_currency) == (
        "We staff Python teams.", 40.0, 65.5, "EUR")  # fmt: skip
    assert saved.daily_caps == {"djinni": 5, "indeed": 0, "email": 30}
    assert again.fit_threshold == 60 and again.strong_threshold == 80
    assert (
        read == again and read.stacks == saved.stacks and read.meeting_timezone == "Europe/Berlin"
    )


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"colour": "red"}, "unknown lead-gen profile field"),
        ({"fit_threshold": 90, "strong_threshold": 80}, "fit_threshold (90)"),
        ({"strong_threshold": 30}, "cannot be above strong_threshold (30)"),  # stored fit: 45
        ({"fit_threshold": 101}, "0-100"),
        ({"daily_caps": {"djinni": -1}}, "djinni"),
        ({"daily_caps": {"hh": 2.5}}, "whole number"),
        ({"daily_caps": {"hh": True}}, "whole number"),
        ({"daily_caps": {"myspace": 3}}, "unknown board(s) myspace"),
        ({"meeting_timezone": "Mars/Olympus_Mons"}, "IANA time zone"),
        ({"meeting_timezone": "../etc/passwd"}, "IANA time zone"),
        ({"rate_min": 100, "rate_max": 50}, "rate_min (100) cannot be above rate_max (50)"),
        ({"rate_min": -5}, "negative"),
        ({"rate_max": "lots"}, "must be a number"),
        ({"seniority": ["guru"]}, "unknown seniority 'guru'"),
        ({"stacks": "Python"}, "list of strings"),
        ({"sender_email": "not-an-address"}, "sender_email"),
        ({"rate_currency": "dollars"}, "3-letter code"),
        ({"variant_policy": "random"}, "variant_policy"),
    ],
)
def test_invalid_profile_values_are_refused(
    pool: ConnectionPool, fields: dict[str, object], words: str
) -> None:
    ws = factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        with pytest.raises(InvalidValue) as caught:
            lp.save_profile(conn, workspace_id=ws.id, updated_by=None, **fields)  # type: ignore[arg-type]
        assert lp.get_profile(conn).updated_at is None  # nothing stored
    assert words in caught.value.message


def test_calendly_secrets_are_sealed_per_workspace(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        profile = lp.set_calendly_secrets(
            conn, workspace_id=ws.id, token="pat-secret-123", signing_key="sign-456", box=BOX
        )
        raw = conn.execute(
            "select calendly_token_sealed, calendly_signing_key_sealed from leadgen_profiles"
        ).fetchone()
        opened = lp.calendly_secrets(conn, workspace_id=ws.id, box=BOX)
    assert profile.has_calendly_token and profile.has_calendly_signing_key
    assert opened == ("pat-secret-123", "sign-456")
    assert b"pat-secret-123" not in bytes(raw[0]) and b"sign-456" not in bytes(raw[1])
    with transaction(pool, workspace_id=other.id) as conn:
        assert lp.calendly_secrets(conn, workspace_id=other.id, box=BOX) == (None, None)
        # A sealed value copied into another workspace's row does not open there.
        conn.execute(
            "insert into leadgen_profiles (workspace_id, calendly_token_sealed) values (%s, %s)",
            (other.id, raw[0]),
        )
        with pytest.raises(SealedValueInvalid):
            lp.calendly_secrets(conn, workspace_id=other.id, box=BOX)
    with transaction(pool, workspace_id=ws.id) as conn:
        cleared = lp.set_calendly_secrets(
            conn, workspace_id=ws.id, token=None, signing_key="  ", box=BOX
        )
        assert lp.calendly_secrets(conn, workspace_id=ws.id, box=BOX) == (None, None)
    assert not cleared.has_calendly_token and not cleared.has_calendly_signing_key


def test_another_workspace_sees_only_its_own_profile(pool: ConnectionPool) -> None:
    ws, other = factories.workspace(pool), factories.workspace(pool)
    with transaction(pool, workspace_id=ws.id) as conn:
        lp.save_profile(conn, workspace_id=ws.id, updated_by=None, stacks=["Go"])
    with transaction(pool, workspace_id=other.id) as conn:
        seen = lp.get_profile(conn)
        rows = conn.execute("select count(*) from leadgen_profiles").fetchone()
    assert seen.stacks == [] and seen.workspace_id == other.id and rows == (0,)
    with pytest.raises(TenantContextMissing), transaction(pool, workspace_id=other.id) as conn:
        lp.save_profile(conn, workspace_id=ws.id, updated_by=None, stacks=["Rust"])
    with transaction(pool, workspace_id=ws.id) as conn:
        assert lp.get_profile(conn).stacks == ["Go"]
