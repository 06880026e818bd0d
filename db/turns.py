"""Interview turns: the transcript, written turn by turn as each one completes.

Writes are fenced by the interview's epoch: an actor copy that was replaced by a restart (and
so holds an older epoch) gets `StaleEpoch` instead of interleaving its turns with the new
copy's. A retried write of the same turn is harmless; a different turn at a taken position is
a `Conflict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import class_row

from db.errors import Conflict, InvalidValue, NotFound, StaleEpoch, TenantContextMissing

_COLUMNS = (
    "id, workspace_id, interview_id, seq, role, text, question_index, started_at, ended_at, "
    "voice_to_voice_ms, stt_ttfb_ms, llm_ttfb_ms, tts_ttfb_ms, engine, epoch, created_at, kind"
)
ROLES = ("interviewer", "candidate", "system")


@dataclass(frozen=True)
class Turn:
    """One utterance with its timing and the latency figures of the voice pipeline."""

    id: int
    workspace_id: UUID
    interview_id: int
    seq: int
    role: str
    text: str
    question_index: int | None
    started_at: datetime | None
    ended_at: datetime | None
    voice_to_voice_ms: int | None
    stt_ttfb_ms: int | None
    llm_ttfb_ms: int | None
    tts_ttfb_ms: int | None
    engine: str | None
    epoch: int
    created_at: datetime
    kind: str | None = None


def _existing(conn: psycopg.Connection, interview_id: int, seq: int) -> Turn | None:
    with conn.cursor(row_factory=class_row(Turn)) as cur:
        cur.execute(
            f"select {_COLUMNS} from interview_turns where interview_id = %s and seq = %s",
            (interview_id, seq),
        )
        return cur.fetchone()


def append_turn(
    conn: psycopg.Connection,
    *,
    workspace_id: UUID,
    interview_id: int,
    epoch: int,
    seq: int,
    role: str,
    text: str,
    question_index: int | None = None,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
    voice_to_voice_ms: int | None = None,
    stt_ttfb_ms: int | None = None,
    llm_ttfb_ms: int | None = None,
    tts_ttfb_ms: int | None = None,
    engine: str | None = None,
    kind: str | None = None,
) -> Turn:
    """Write a turn if `epoch` is still the interview's current one, else `StaleEpoch`.

    The interview row is locked in share mode for the rest of the transaction, so a
    concurrent `bump_epoch` waits for this write instead of slipping in between check and
    insert.
    """
    if role not in ROLES:
        raise InvalidValue(f"turn role must be one of {ROLES}, got '{role}'")
    if seq < 0:
        raise InvalidValue(f"turn seq must be >= 0, got {seq}")
    current = conn.execute(
        "select epoch from interviews where id = %s for share", (interview_id,)
    ).fetchone()
    if current is None:
        raise NotFound(f"interview {interview_id} not found")
    if current[0] != epoch:
        raise StaleEpoch(
            f"interview {interview_id} is at epoch {current[0]}; a writer at epoch {epoch} "
            "was replaced and must stop"
        )
    try:
        with conn.cursor(row_factory=class_row(Turn)) as cur:
            cur.execute(
                f"""
                insert into interview_turns (workspace_id, interview_id, seq, role, text,
                    question_index, started_at, ended_at, voice_to_voice_ms, stt_ttfb_ms,
                    llm_ttfb_ms, tts_ttfb_ms, engine, epoch, kind)
                values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                on conflict (interview_id, seq) do nothing
                returning {_COLUMNS}
                """,
                (
                    workspace_id,
                    interview_id,
                    seq,
                    role,
                    text,
                    question_index,
                    started_at,
                    ended_at,
                    voice_to_voice_ms,
                    stt_ttfb_ms,
                    llm_ttfb_ms,
                    tts_ttfb_ms,
                    engine,
                    epoch,
                    kind,
                ),
            )
            row = cur.fetchone()
    except psycopg.errors.InsufficientPrivilege as e:
        raise TenantContextMissing("turn workspace_id does not match the workspace context") from e
    if row is not None:
        return row
    existing = _existing(conn, interview_id, seq)
    if existing is not None and existing.role == role and existing.text == text:
        return existing  # a retry of a write that already landed
    raise Conflict(f"interview {interview_id} already has a different turn at seq {seq}")


def list_turns(conn: psycopg.Connection, *, interview_id: int) -> list[Turn]:
    """The interview's transcript in order."""
    with conn.cursor(row_factory=class_row(Turn)) as cur:
        cur.execute(
            f"select {_COLUMNS} from interview_turns where interview_id = %s order by seq",
            (interview_id,),
        )
        return cur.fetchall()


def next_seq(conn: psycopg.Connection, *, interview_id: int) -> int:
    """The seq for the next turn (0 when empty); a restarted actor resumes writing here."""
    row = conn.execute(
        "select coalesce(max(seq) + 1, 0) from interview_turns where interview_id = %s",
        (interview_id,),
    ).fetchone()
    assert row is not None
    return int(row[0])


def set_latency(
    conn: psycopg.Connection,
    *,
    interview_id: int,
    seq: int,
    epoch: int,
    voice_to_voice_ms: int | None,
    llm_ttfb_ms: int | None = None,
    tts_ttfb_ms: int | None = None,
) -> None:
    """Fill in a spoken turn's latency once its first audio went out (it was written before
    it was spoken, as every turn is); fenced by epoch like `append_turn`."""
    conn.execute(
        """
        update interview_turns t
        set voice_to_voice_ms = %s, llm_ttfb_ms = %s, tts_ttfb_ms = %s
        from interviews i
        where t.interview_id = %s and t.seq = %s and i.id = t.interview_id and i.epoch = %s
        """,
        (voice_to_voice_ms, llm_ttfb_ms, tts_ttfb_ms, interview_id, seq, epoch),
    )
