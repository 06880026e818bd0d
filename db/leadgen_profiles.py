"""What a workspace sells (`leadgen_profiles`, one row per workspace): stacks, seniority, rates,
regions, languages, exclusions, thresholds, daily caps, the sender and Calendly.

Everything lead generation decides per workspace reads this row: the fit score (pipelines/leads/
fit.py), the archive and strong thresholds (pipelines/leads/qualify.py), the per-board daily caps
and the meeting link. A workspace without a row works on the table's defaults (`DEFAULTS`, the
same values as the column defaults), so lead generation runs before anyone opens its settings.

The Calendly token and webhook signing key are stored sealed (db/secret_box.py), each bound to
its workspace and purpose; the profile only says whether each is set.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from db.errors import InvalidValue, TenantContextMissing
from db.secret_box import SecretBox

CAP_BOARDS = ("djinni", "linkedin", "indeed", "hh", "email")
RATE_UNITS = ("hour", "month")
VARIANT_POLICIES = ("thompson", "fixed")
# Seniority levels a profile offers and a vacancy asks for, lowest first (fit compares ranks).
SENIORITY_LEVELS = ("junior", "middle", "senior", "lead")
_SENIORITY_SYNONYMS = {
    "jr": "junior", "jun": "junior", "джун": "junior", "джуниор": "junior",
    "mid": "middle", "middle+": "middle", "мидл": "middle",
    "sr": "senior", "сеньор": "senior", "синьор": "senior",
    "team lead": "lead", "tech lead": "lead", "teamlead": "lead", "techlead": "lead",
    "principal": "lead", "architect": "lead", "тимлид": "lead", "техлид": "lead",
}  # fmt: skip
LIST_FIELDS = ("stacks", "seniority", "regions", "languages", "stop_words", "blocked_companies")
_LIST_ITEM_CHARS = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://\S+$", re.I)

# The column defaults of 0032_leadgen.sql (tests/db/test_leadgen_profiles.py checks they agree).
DEFAULTS: dict[str, Any] = {
    "pitch": "",
    "stacks": [],
    "seniority": [],
    "rate_min": None,
    "rate_max": None,
    "rate_currency": "USD",
    "rate_unit": "hour",
    "regions": [],
    "languages": [],
    "stop_words": [],
    "blocked_companies": [],
    "fit_threshold": 45,
    "strong_threshold": 75,
    "auto_send_threshold": None,
    "daily_caps": {"djinni": 20, "linkedin": 10, "hh": 20, "email": 50},
    "variant_policy": "thompson",
    "sender_name": "",
    "sender_email": None,
    "booking_url": None,
    "calendly_event_type": None,
    "meeting_timezone": "UTC",
    "hh_resume_id": None,
}
EDITABLE = tuple(DEFAULTS)


@dataclass(frozen=True)
class LeadgenProfile:
    """A workspace's lead-gen settings; the Calendly secrets only as `has_…` flags.

    `updated_at` is None while the workspace has no row (the defaults apply)."""

    workspace_id: UUID | None
    pitch: str
    stacks: list[str]
    seniority: list[str]
    rate_min: float | None
    rate_max: float | None
    rate_currency: str
    rate_unit: str
    regions: list[str]
    languages: list[str]
    stop_words: list[str]
    blocked_companies: list[str]
    fit_threshold: int
    strong_threshold: int
    auto_send_threshold: int | None
    daily_caps: dict[str, int]
    variant_policy: str
    sender_name: str
    sender_email: str | None
    booking_url: str | None
    calendly_event_type: str | None
    meeting_timezone: str
    hh_resume_id: str | None = None
    has_calendly_token: bool = False
    has_calendly_signing_key: bool = False
    updated_by: int | None = None
    updated_at: datetime | None = None


_COLUMNS = (
    "workspace_id, pitch, stacks, seniority, rate_min::float8 as rate_min, "
    "rate_max::float8 as rate_max, rate_currency, rate_unit, regions, languages, stop_words, "
    "blocked_companies, fit_threshold, strong_threshold, auto_send_threshold, daily_caps, "
    "variant_policy, sender_name, sender_email, booking_url, calendly_event_type, "
    "meeting_timezone, hh_resume_id, calendly_token_sealed is not null as has_calendly_token, "
    "calendly_signing_key_sealed is not null as has_calendly_signing_key, updated_by, updated_at"
)


def token_purpose(workspace_id: UUID) -> str:
    """The sealing purpose of the workspace's Calendly personal access token."""
    return f"calendly:{workspace_id}:token"


def signing_key_purpose(workspace_id: UUID) -> str:
    """The sealing purpose of the workspace's Calendly webhook signing key."""
    return f"calendly:{workspace_id}:signing_key"


def get_profile(conn: psycopg.Connection) -> LeadgenProfile:
    """The current workspace's profile, or the defaults when it has none yet."""
    with conn.cursor(row_factory=class_row(LeadgenProfile)) as cur:
        cur.execute(f"select {_COLUMNS} from leadgen_profiles")
        row = cur.fetchone()
    if row is not None:
        return row
    ws = conn.execute("select app_workspace_id()").fetchone()
    return LeadgenProfile(workspace_id=ws[0] if ws else None, **_copy(DEFAULTS))


def _copy(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
            for k, v in values.items()}  # fmt: skip


def save_profile(
    conn: psycopg.Connection, *, workspace_id: UUID, updated_by: int | None, **fields: Any
) -> LeadgenProfile:
    """Change the given fields of the workspace's profile (created on first save).

    The new values are checked together with the ones kept, so a lowered strong threshold
    cannot fall under the fit threshold stored earlier; `InvalidValue` names the field."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise InvalidValue(
            f"unknown lead-gen profile field(s): {', '.join(unknown)}; known: {', '.join(EDITABLE)}"
        )
    current = get_profile(conn)
    merged = {name: getattr(current, name) for name in EDITABLE}
    merged.update({name: _clean(name, value) for name, value in fields.items()})
    _check_together(merged)
    params = {**merged, "daily_caps": Jsonb(merged["daily_caps"]), "ws": workspace_id,
              "by": updated_by}  # fmt: skip
    names = ", ".join(EDITABLE)
    values = ", ".join(f"%({n})s" for n in EDITABLE)
    updates = ", ".join(f"{n} = excluded.{n}" for n in EDITABLE)
    try:
        with conn.cursor(row_factory=class_row(LeadgenProfile)) as cur:
            cur.execute(
                f"""
                insert into leadgen_profiles (workspace_id, updated_by, {names})
                values (%(ws)s, %(by)s, {values})
                on conflict (workspace_id) do update set updated_by = excluded.updated_by,
                    {updates}
                returning {_COLUMNS}
                """,
                params,
            )
            row = cur.fetchone()
    except psycopg.errors.CheckViolation as e:  # a concurrent save changed the other half
        raise InvalidValue(
            f"the profile breaks a rule of the schema: {e.diag.message_primary}"
        ) from e
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing(
            "profile workspace_id does not match the workspace context"
        ) from e
    assert row is not None
    return row


def _clean(name: str, value: Any) -> Any:
    """One field's value as stored, or `InvalidValue` saying what is wrong with it."""
    if name in LIST_FIELDS:
        items = _clean_list(name, value)
        return [_seniority(s) for s in items] if name == "seniority" else items
    if name in ("fit_threshold", "strong_threshold", "auto_send_threshold"):
        if value is None and name == "auto_send_threshold":
            return None
        if not _is_int(value) or not 0 <= value <= 100:
            raise InvalidValue(f"{name} must be a whole number 0-100, got {value!r}")
        return int(value)
    if name in ("rate_min", "rate_max"):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise InvalidValue(f"{name} must be a number, got {value!r}")
        if value < 0 or value != value:  # NaN compares unequal to itself
            raise InvalidValue(f"{name} cannot be negative, got {value}")
        return float(value)
    if name == "rate_currency":
        code = str(value or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise InvalidValue(f"rate_currency must be a 3-letter code such as USD, got {value!r}")
        return code
    if name == "rate_unit":
        return _choice(name, value, RATE_UNITS)
    if name == "variant_policy":
        return _choice(name, value, VARIANT_POLICIES)
    if name == "daily_caps":
        return _caps(value)
    if name == "meeting_timezone":
        return _timezone(value)
    return _clean_text(name, value)


def _clean_text(name: str, value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    if name == "pitch":
        if len(text) > 4000:
            raise InvalidValue(f"the pitch is at most 4000 characters, got {len(text)}")
        return text
    if name == "sender_name":
        return text[:200]
    if not text:
        return None
    if name == "sender_email" and not _EMAIL.match(text):
        raise InvalidValue(f"sender_email is not an e-mail address: {text!r}")
    if name == "booking_url" and not _URL.match(text):
        raise InvalidValue(f"booking_url must be an http(s) link, got {text!r}")
    if name == "hh_resume_id" and not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", text):
        raise InvalidValue(f"hh_resume_id is HH's resume id (letters, digits, - and _), "
                           f"got {text!r}")  # fmt: skip
    return text[:500]


def _clean_list(name: str, value: Any) -> list[str]:
    """Trimmed, empty entries dropped, repeats (case-insensitive) dropped, order kept."""
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise InvalidValue(f"{name} must be a list of strings, got {type(value).__name__}")
    out: dict[str, str] = {}
    for item in value:
        if not isinstance(item, str):
            raise InvalidValue(f"{name} must hold strings only, got {item!r}")
        text = " ".join(item.split())
        if len(text) > _LIST_ITEM_CHARS:
            raise InvalidValue(f"an entry of {name} is over {_LIST_ITEM_CHARS} characters")
        if text:
            out.setdefault(text.casefold(), text)
    return list(out.values())


def _seniority(level: str) -> str:
    key = level.casefold().rstrip(".")
    key = _SENIORITY_SYNONYMS.get(key, key)
    if key not in SENIORITY_LEVELS:
        raise InvalidValue(f"unknown seniority '{level}'; use {', '.join(SENIORITY_LEVELS)}")
    return key


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidValue(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return str(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _caps(value: Any) -> dict[str, int]:
    """Responses per board per day: whole numbers >= 0 for known boards only (the given dict
    replaces the stored one; a board left out has no cap of its own)."""
    if not isinstance(value, dict):
        raise InvalidValue(f"daily_caps must map boards to numbers, got {type(value).__name__}")
    unknown = sorted(str(k) for k in value if k not in CAP_BOARDS)
    if unknown:
        raise InvalidValue(
            f"daily_caps: unknown board(s) {', '.join(unknown)}; known: {', '.join(CAP_BOARDS)}"
        )
    for board, cap in value.items():
        if not _is_int(cap) or cap < 0:
            raise InvalidValue(f"daily cap of {board} must be a whole number >= 0, got {cap!r}")
    return {board: int(value[board]) for board in CAP_BOARDS if board in value}


def _timezone(value: Any) -> str:
    name = str(value or "").strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
        raise InvalidValue(
            f"meeting_timezone must be an IANA time zone such as Europe/Berlin, got {value!r}"
        ) from e
    return name


def _check_together(values: dict[str, Any]) -> None:
    if values["fit_threshold"] > values["strong_threshold"]:
        raise InvalidValue(
            f"fit_threshold ({values['fit_threshold']}) cannot be above strong_threshold "
            f"({values['strong_threshold']})"
        )
    low, high = values["rate_min"], values["rate_max"]
    if low is not None and high is not None and low > high:
        raise InvalidValue(f"rate_min ({low:g}) cannot be above rate_max ({high:g})")


def set_calendly_secrets(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    token: str | None,
    signing_key: str | None,
    box: SecretBox,
) -> LeadgenProfile:
    """Store the Calendly personal access token and webhook signing key sealed; None (or a
    blank value) removes one (Calendly disconnected, the plain booking link applies)."""
    token = (token or "").strip() or None
    signing_key = (signing_key or "").strip() or None
    sealed_token = box.seal(token, purpose=token_purpose(workspace_id)) if token else None
    sealed_key = (
        box.seal(signing_key, purpose=signing_key_purpose(workspace_id)) if signing_key else None
    )
    with conn.cursor(row_factory=class_row(LeadgenProfile)) as cur:
        cur.execute(
            f"""
            insert into leadgen_profiles (workspace_id, calendly_token_sealed,
                                          calendly_signing_key_sealed)
            values (%s, %s, %s)
            on conflict (workspace_id) do update set
                calendly_token_sealed = excluded.calendly_token_sealed,
                calendly_signing_key_sealed = excluded.calendly_signing_key_sealed
            returning {_COLUMNS}
            """,
            (workspace_id, sealed_token, sealed_key),
        )
        row = cur.fetchone()
    assert row is not None
    return row


def calendly_secrets(
    conn: psycopg.Connection, *, workspace_id: UUID, box: SecretBox
) -> tuple[str | None, str | None]:
    """(token, signing key) opened, each None when not set; `SealedValueInvalid` when a stored
    one does not open with this installation's key."""
    row = conn.execute(
        "select calendly_token_sealed, calendly_signing_key_sealed from leadgen_profiles "
        "where workspace_id = %s",
        (workspace_id,),
    ).fetchone()
    if row is None:
        return None, None
    token = box.open(row[0], purpose=token_purpose(workspace_id)) if row[0] else None
    key = box.open(row[1], purpose=signing_key_purpose(workspace_id)) if row[1] else None
    return token, key
