"""How an interview actor leaves: one task that always ends in `exit_actor`.

An actor leaves when nobody has been connected for the reconnect grace ("idle") or a moment
after the interview ended ("finished", so the goodbye reaches the page). A candidate who comes
back before the exit begins cancels an idle leave; the end of the interview overrides one. A
failed cleanup step is logged, not a reason to stay: an actor stuck half-way out only turns
candidates away. `exit_actor` is an intended exit, so Ray neither restarts the actor nor shows
it as killed; a call stuck past `EXIT_FALLBACK_S` meets `ray.kill` instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import ray
from ray.exceptions import AsyncioActorExit

log = logging.getLogger(__name__)
# `exit_actor` lets calls in progress finish first; one stuck past this is cut short with
# ray.kill (the only way a normal end can still show as a kill in the dashboard).
EXIT_FALLBACK_S = 30.0
LeaveReason = Literal["idle", "finished"]


class Departure:
    """The actor's way out. `cleanup(reason)` runs first (errors logged), then `release()`
    (what must happen once the exit has begun: refuse offers, stop loops, close the pool),
    then the exit. Runs inside the actor's event loop."""

    def __init__(
        self,
        interview_id: int,
        *,
        cleanup: Callable[[LeaveReason], Awaitable[None]],
        release: Callable[[], Awaitable[None]],
    ) -> None:
        self.interview_id = interview_id
        self._cleanup = cleanup
        self._release = release
        self._task: asyncio.Task[None] | None = None
        self._reason: LeaveReason | None = None
        self.exiting = False  # the exit has begun: nothing can stop it now

    @property
    def leaving(self) -> bool:
        """A leave has been decided (it may still be waiting or cleaning up)."""
        return self._task is not None

    def start(self, reason: LeaveReason, *, after_s: float = 0.0) -> None:
        """Begin leaving in `after_s`, unless already on the way; the end of the interview
        overrides an idle leave."""
        if self._task is not None:
            if self._reason == "finished" or self.exiting:
                return
            self._task.cancel()
        self._reason = reason
        self._task = asyncio.get_running_loop().create_task(
            self._leave(reason, after_s), name=f"leave:{self.interview_id}"
        )

    def stay(self) -> bool:
        """A candidate came: cancel an idle leave that has not begun its exit. True when one
        was cancelled. (After the end the actor leaves anyway.)"""
        if self._task is None or self._reason != "idle" or self.exiting:
            return False
        self._task.cancel()
        self._task = self._reason = None
        return True

    async def _leave(self, reason: LeaveReason, after_s: float) -> None:
        try:
            await asyncio.sleep(after_s)
            await self._cleanup(reason)
        except Exception:
            log.exception("interview %s: cleanup before leaving failed", self.interview_id)
        await self._exit()

    async def _exit(self) -> None:
        """Leave for good (no restart): everything the interview needs is in the database."""
        self.exiting = True
        try:
            await self._release()
        except Exception:
            log.exception("interview %s: releasing before the exit failed", self.interview_id)
        log.info("interview %s: actor exits", self.interview_id)
        exit_for_good(f"interview {self.interview_id}")


def exit_for_good(label: str) -> None:
    """From any task of an async actor: an intended exit (no restart), with `ray.kill` after
    `EXIT_FALLBACK_S` should a call in progress never finish."""

    def kill() -> None:
        log.warning("%s: still here %.0f s after exiting", label, EXIT_FALLBACK_S)
        ray.kill(ray.get_runtime_context().current_actor, no_restart=True)

    asyncio.get_running_loop().call_later(EXIT_FALLBACK_S, kill)
    try:
        ray.actor.exit_actor()
    except AsyncioActorExit:
        pass  # meant to end the Ray call that asks; this task is none, the exit is set


async def wait_for_tasks(refs: list[Any], timeout_s: float, *, interview_id: int) -> None:
    """Wait up to `timeout_s` for the Ray tasks this actor owns (Ray cancels a task whose owner
    dies); past it, log and go on."""
    if not refs:
        return
    try:
        await asyncio.wait_for(asyncio.gather(*refs, return_exceptions=True), timeout_s)
    except TimeoutError:
        log.warning("interview %s: analysis still running, leaving", interview_id)
