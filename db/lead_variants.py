"""Prompt variants: the versioned instructions that lead responses are written with.

A variant is a (name, version) of one workspace. Its `instructions` are the LLM's system
prompt and, through their `style:` line, choose the offline template family
(pipelines.leads.response_texts.style_of), so one variant means the same thing with either
engine. Instructions are never edited in place: a revision is version + 1 and retires the
version it replaces, so every lead keeps pointing at the exact text it was answered with and
the report compares versions honestly. `share` is the owner's A/B weight under the 'fixed'
policy (pipelines.leads.variants explains both policies); a retired variant is never chosen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db.errors import Conflict, InvalidValue, NotFound, TenantContextMissing

_COLUMNS = (
    "id, workspace_id, name, version, instructions, share::float8 as share, retired_at, "
    "created_by, created_at"
)
MAX_NAME, MAX_INSTRUCTIONS = 80, 8000

# Seeded on a workspace's first use. English instructions: the rules appended by
# pipelines.leads.response_llm tell the model which language to write in.
DEFAULT_VARIANTS: tuple[tuple[str, str], ...] = (
    (
        "direct",
        "style: direct\n"
        "Write a short, direct response to the vacancy, under 120 words. Open with the matching "
        "person from our bench: first name, headline, years of experience, the skills that "
        "match the vacancy and when they can start. Then give at most two reasons why they "
        "fit, ask the listed questions as a short numbered list, offer the booking link and "
        "sign with the sender's name. No flattery and no generic claims.",
    ),
    (
        "consultative",
        "style: consultative\n"
        "Write a consultative response to the vacancy, under 180 words. Open with the client's "
        "goal or KPIs as the vacancy states them, then ask the listed questions first, as a "
        "numbered list, to understand the need. Only then introduce the matching person from "
        "our bench (first name, headline, matching experience, availability) and why they "
        "fit, offer the booking link and sign with the sender's name. Sound like a partner "
        "who wants the client's project to succeed, not like a sales pitch.",
    ),
)


class LastActiveVariant(Conflict):
    """Retiring this variant would leave the workspace with nothing to answer leads with."""

    code = "last_active_variant"


class VariantRetired(Conflict):
    """A retired version cannot be revised or re-weighted; work on the current version."""

    code = "variant_retired"


@dataclass(frozen=True)
class Variant:
    """One version of a response prompt."""

    id: int
    workspace_id: UUID
    name: str
    version: int
    instructions: str
    share: float
    retired_at: datetime | None
    created_by: int | None
    created_at: datetime

    @property
    def active(self) -> bool:
        """Whether leads may still be answered with it."""
        return self.retired_at is None

    @property
    def label(self) -> str:
        """How the console and the history name it: "direct v2"."""
        return f"{self.name} v{self.version}"


def _fetch(conn: psycopg.Connection, query: str, params: object) -> Variant | None:
    with conn.cursor(row_factory=class_row(Variant)) as cur:
        cur.execute(query, params)
        return cur.fetchone()


def _check_instructions(instructions: str) -> str:
    text = instructions.strip()
    if not 1 <= len(text) <= MAX_INSTRUCTIONS:
        raise InvalidValue(f"a variant's instructions must be 1-{MAX_INSTRUCTIONS} characters")
    return text


def _check_share(share: float) -> float:
    if not math.isfinite(share) or share < 0:
        raise InvalidValue(f"a variant's share must be a finite number >= 0, got {share}")
    return float(share)


def ensure_defaults(conn: psycopg.Connection, *, workspace_id: UUID) -> list[Variant]:
    """Seed the default variants when the workspace has none at all (retired ones count: an
    owner who retired the defaults keeps them retired); returns the active variants."""
    if conn.execute("select 1 from lead_prompt_variants limit 1").fetchone() is not None:
        return list_variants(conn)
    for name, instructions in DEFAULT_VARIANTS:
        try:
            # Two first uses at once: the later insert waits and then does nothing.
            conn.execute(
                """
                insert into lead_prompt_variants (workspace_id, name, instructions)
                values (%s, %s, %s)
                on conflict (workspace_id, name, version) do nothing
                """,
                (workspace_id, name, instructions),
            )
        except psycopg.errors.InsufficientPrivilege as e:
            raise TenantContextMissing("variant workspace_id does not match the context") from e
    return list_variants(conn)


def create_variant(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    name: str,
    instructions: str,
    share: float = 1.0,
    created_by: int | None = None,
) -> Variant:
    """A new variant, version 1; a name already used is a `Conflict` (revise that one)."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidValue(f"a variant's name must be 1-{MAX_NAME} characters")
    try:
        row = _fetch(
            conn,
            f"""
            insert into lead_prompt_variants (workspace_id, name, instructions, share, created_by)
            select %s, %s, %s, %s, %s
            where not exists (select 1 from lead_prompt_variants
                              where workspace_id = %s and name = %s)
            on conflict (workspace_id, name, version) do nothing
            returning {_COLUMNS}
            """,
            (
                workspace_id,
                name,
                _check_instructions(instructions),
                _check_share(share),
                created_by,
                workspace_id,
                name,
            ),  # fmt: skip
        )
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing("variant workspace_id does not match the context") from e
    if row is None:
        raise Conflict(f"a prompt variant named '{name}' exists; revise it instead")
    return row


def get_variant(conn: psycopg.Connection, *, variant_id: int, for_update: bool = False) -> Variant:
    """One variant of the current workspace, retired or not (`NotFound` otherwise)."""
    lock = " for update" if for_update else ""
    row = _fetch(
        conn, f"select {_COLUMNS} from lead_prompt_variants where id = %s{lock}", (variant_id,)
    )
    if row is None:
        raise NotFound(f"prompt variant {variant_id} not found")
    return row


def list_variants(conn: psycopg.Connection, *, include_retired: bool = False) -> list[Variant]:
    """The workspace's variants by name and version (active ones only unless asked)."""
    with conn.cursor(row_factory=class_row(Variant)) as cur:
        cur.execute(
            f"""
            select {_COLUMNS} from lead_prompt_variants
            where %s or retired_at is null
            order by name, version
            """,
            (include_retired,),
        )
        return cur.fetchall()


def revise_variant(
    conn: psycopg.Connection,
    *,
    variant_id: int,
    instructions: str,
    created_by: int | None = None,
) -> Variant:
    """New instructions for an active variant: version + 1 with the same name and share, the
    old version retired in the same transaction. Unchanged instructions change nothing."""
    text = _check_instructions(instructions)
    current = get_variant(conn, variant_id=variant_id, for_update=True)
    if not current.active:
        raise VariantRetired(f"{current.label} is retired; revise the current version")
    if current.instructions == text:
        return current
    conn.execute("update lead_prompt_variants set retired_at = now() where id = %s", (variant_id,))
    row = _fetch(
        conn,
        f"""
        insert into lead_prompt_variants (workspace_id, name, version, instructions, share,
                                          created_by)
        select workspace_id, name,
               (select max(version) + 1 from lead_prompt_variants v
                where v.workspace_id = p.workspace_id and v.name = p.name),
               %s, share, %s
        from lead_prompt_variants p where id = %s
        on conflict (workspace_id, name, version) do nothing
        returning {_COLUMNS}
        """,
        (text, created_by, variant_id),
    )
    if row is None:  # another revision of the same name won the race
        raise Conflict(f"{current.label} was revised meanwhile; reload and try again")
    return row


def retire_variant(conn: psycopg.Connection, *, variant_id: int) -> Variant:
    """Stop answering leads with a variant (its leads and figures stay). The last active
    variant cannot be retired: drafting would have nothing to use."""
    current = get_variant(conn, variant_id=variant_id, for_update=True)
    if not current.active:
        return current
    # Lock the active set so two retirements cannot each leave the other as the last one.
    others = conn.execute(
        "select id from lead_prompt_variants where retired_at is null and id <> %s for update",
        (variant_id,),
    ).fetchall()
    if not others:
        raise LastActiveVariant(f"{current.label} is the last active variant; add another first")
    row = _fetch(
        conn,
        f"update lead_prompt_variants set retired_at = now() where id = %s returning {_COLUMNS}",
        (variant_id,),
    )
    assert row is not None  # locked above
    return row


def set_share(conn: psycopg.Connection, *, variant_id: int, share: float) -> Variant:
    """The variant's weight in the owner's fixed A/B split (0: never chosen by that policy)."""
    row = _fetch(
        conn,
        f"""
        update lead_prompt_variants set share = %s where id = %s and retired_at is null
        returning {_COLUMNS}
        """,
        (_check_share(share), variant_id),
    )
    if row is None:
        current = get_variant(conn, variant_id=variant_id)  # NotFound when missing
        raise VariantRetired(f"{current.label} is retired; its share no longer matters")
    return row
