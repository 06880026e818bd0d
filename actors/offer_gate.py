"""Which SDP offers an interview actor answers, and in what order.

Every offer builds a Pipecat pipeline and a peer connection (UDP sockets, threads), so an
interview holds at most one: offers are answered one at a time, each replacing the last
connection. A burst of offers from one link (a reconnect loop, two tabs, a script) must neither
pile up peers nor lock the candidate out, so:
- an offer still waiting when a newer one arrives is dropped (`offer_superseded`): the page
  only ever uses its newest offer;
- a link gets `limit` offers per `window_s` seconds (`too_many_offers`, with the seconds to
  wait); refused offers do not count, so a client that waits gets in;
- an offer carries its caller's deadline (wall-clock seconds): one that reaches the actor, or
  its turn, after the API gave up on it (`offer_expired`) is dropped without a number, so an
  offer left queued behind a slow start can never overtake the page's retry of it.
The gate is per actor, and the actor is per interview link, so the limit is per link. It knows
nothing of Ray or WebRTC: tests drive it with an injected clock.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from actors.errors import InterviewUnavailable


class OfferWindow:
    """A sliding window of the offers admitted in the last `window_s` seconds, at most `limit`:
    every offer builds a pipeline and a peer, so a script or a reconnect loop must not be able
    to make them without end. Refused offers do not count, so a client that waits gets in."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._admitted: deque[float] = deque()

    def admit(self, now: float) -> float | None:
        """Count an offer made at `now` and return None, or the seconds until one may come."""
        while self._admitted and now - self._admitted[0] >= self.window_s:
            self._admitted.popleft()
        if len(self._admitted) >= self.limit:
            return self._admitted[0] + self.window_s - now
        self._admitted.append(now)
        return None


class OfferGate:
    """Admits offers (rate limit), numbers them, and lets them through one at a time, dropping
    one that a newer offer overtook while it waited. Closed once the actor begins its exit."""

    def __init__(
        self,
        limit: int,
        window_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.window = OfferWindow(limit, window_s)
        self.lock = asyncio.Lock()  # held while an offer is answered, or the peer is closed
        self._clock = clock
        self._wall_clock = wall_clock  # deadlines come from other processes, other nodes
        self._newest = 0  # number of the newest admitted offer
        self._in_flight = 0
        self._closed = False

    @property
    def in_flight(self) -> int:
        """Offers admitted and not yet answered or refused (a candidate is on the way)."""
        return self._in_flight

    def close(self) -> None:
        """The actor is leaving: every offer from now on, queued ones too, is `actor_leaving`."""
        self._closed = True

    def admit(self, deadline: float | None = None) -> int:
        """Number a new offer, or refuse it: `actor_leaving`, `offer_expired` (its caller's
        `deadline` passed), or `too_many_offers` with `retry_after_s` (whole seconds, at
        least 1)."""
        self._refuse_if_closed()
        self._refuse_if_expired(deadline)
        wait_s = self.window.admit(self._clock())
        if wait_s is not None:
            retry_after = max(1, math.ceil(wait_s))
            raise InterviewUnavailable(
                "too_many_offers",
                f"too many connection attempts; try again in {retry_after} s",
                retry_after_s=retry_after,
            )
        self._newest += 1
        return self._newest

    @asynccontextmanager
    async def turn(self, number: int, deadline: float | None = None) -> AsyncIterator[None]:
        """Wait for offer `number`'s turn and hold it; refused if it was overtaken, or its
        caller gave up, meanwhile."""
        self._in_flight += 1
        try:
            async with self.lock:
                self.check(number, deadline)
                yield
        finally:
            self._in_flight -= 1

    def check(self, number: int, deadline: float | None = None) -> None:
        """Refuse offer `number` if a newer one overtook it, its caller's `deadline` passed, or
        the exit caught up with it: call it again after any long await, so no peer is built
        for an offer already stale."""
        self._refuse_if_closed()
        if number != self._newest:
            raise InterviewUnavailable(
                "offer_superseded", "a newer offer from this interview link replaced this one"
            )
        self._refuse_if_expired(deadline)

    def _refuse_if_expired(self, deadline: float | None) -> None:
        if deadline is not None and self._wall_clock() >= deadline:
            raise InterviewUnavailable(
                "offer_expired", "the interview did not answer in time; try again"
            )

    def _refuse_if_closed(self) -> None:
        if self._closed:
            raise InterviewUnavailable(
                "actor_leaving", "the interview is restarting; try again in a moment"
            )
