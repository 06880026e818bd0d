"""Writes each finished turn to `interview_turns` before the conversation moves on.

Writes are fenced by the actor's epoch (db.turns.append_turn raises `StaleEpoch` when a newer
copy of the actor took over), and numbered from the stored transcript, so a restarted actor
continues the sequence. Database calls run in a thread: the actor's event loop never blocks.

A turn that cannot be written because the database is out of reach is retried until it is
(a write that landed before its answer was lost is recognised by append_turn), and the
conversation does not move on meanwhile: an interview never goes on with turns that would be
lost. `on_waiting` hears of each failed attempt, so the interviewer can say a holding sentence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import turns
from db.errors import DatabaseUnavailable
from db.pool import transaction

log = logging.getLogger(__name__)
# The database is out of reach (server down, restarting, network): worth another attempt.
TRANSIENT_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError, DatabaseUnavailable)
RETRY_EVERY_S = 1.0


@dataclass(frozen=True)
class TurnTiming:
    """When a turn happened and how fast the pipeline answered it."""

    started_at: datetime | None = None
    ended_at: datetime | None = None
    voice_to_voice_ms: int | None = None
    stt_ttfb_ms: int | None = None
    llm_ttfb_ms: int | None = None
    tts_ttfb_ms: int | None = None


class TurnRecorder:
    """Appends turns of one interview under one epoch."""

    def __init__(
        self,
        pool: ConnectionPool,
        *,
        workspace_id: UUID,
        interview_id: int,
        epoch: int,
        next_seq: int,
    ) -> None:
        self._pool = pool
        self.workspace_id = workspace_id
        self.interview_id = interview_id
        self.epoch = epoch
        self._seq = next_seq
        self._lock = asyncio.Lock()
        # Called with the attempt number (0 first) after each write the database refused.
        self.on_waiting: Callable[[int], Awaitable[None]] | None = None

    async def record(
        self,
        *,
        role: str,
        text: str,
        question_index: int | None,
        kind: str | None,
        engine: str | None,
        timing: TurnTiming = TurnTiming(),
    ) -> turns.Turn:
        """Persist one turn (in order); raises `StaleEpoch` if this actor was replaced."""
        async with self._lock:
            seq = self._seq
            row = await self._until_written(
                lambda: self._write(seq, role, text, question_index, kind, engine, timing)
            )
            self._seq = seq + 1
            return row

    async def _until_written(self, write: Callable[[], turns.Turn]) -> turns.Turn:
        """Run `write` in a thread until the database takes it (`StaleEpoch` and other errors
        rise at once)."""
        attempt = 0
        while True:
            try:
                row = await asyncio.to_thread(write)
            except TRANSIENT_ERRORS as e:
                log.warning(
                    "interview %s: turn not stored yet, the database is out of reach (%s)",
                    self.interview_id, type(e).__name__,
                )  # fmt: skip
                if self.on_waiting is not None:
                    await self.on_waiting(attempt)
                attempt += 1
                await asyncio.sleep(RETRY_EVERY_S)
                continue
            if attempt:
                log.info(
                    "interview %s: stored after %d failed attempts", self.interview_id, attempt
                )
            return row

    def _write(
        self, seq: int, role: str, text: str, question_index: int | None, kind: str | None,
        engine: str | None, timing: TurnTiming,
    ) -> turns.Turn:  # fmt: skip
        with transaction(self._pool, workspace_id=self.workspace_id) as conn:
            return turns.append_turn(
                conn,
                workspace_id=self.workspace_id,
                interview_id=self.interview_id,
                epoch=self.epoch,
                seq=seq,
                role=role,
                text=text,
                question_index=question_index,
                kind=kind,
                engine=engine,
                started_at=timing.started_at,
                ended_at=timing.ended_at,
                voice_to_voice_ms=timing.voice_to_voice_ms,
                stt_ttfb_ms=timing.stt_ttfb_ms,
                llm_ttfb_ms=timing.llm_ttfb_ms,
                tts_ttfb_ms=timing.tts_ttfb_ms,
            )

    async def set_latency(
        self, *, seq: int, voice_to_voice_ms: int, llm_ttfb_ms: int | None, tts_ttfb_ms: int | None
    ) -> None:
        """Store how fast an interviewer turn was heard after the candidate stopped."""

        def write() -> None:
            with transaction(self._pool, workspace_id=self.workspace_id) as conn:
                turns.set_latency(
                    conn, interview_id=self.interview_id, seq=seq, epoch=self.epoch,
                    voice_to_voice_ms=voice_to_voice_ms, llm_ttfb_ms=llm_ttfb_ms,
                    tts_ttfb_ms=tts_ttfb_ms,
                )  # fmt: skip

        try:
            await asyncio.to_thread(write)
        except TRANSIENT_ERRORS as e:  # a figure, not a turn: lost with the outage
            log.warning("interview %s: latency of turn %s not stored (%s)", self.interview_id,
                        seq, type(e).__name__)  # fmt: skip
