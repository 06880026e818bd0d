"""A client-side limit on requests per second to HH (about 10/s per IP is what HH allows).

HH counts per IP, so every request of the process shares one limiter per HH address
(`limiter_for`), whichever thread or event loop sends it: concurrent syncs of several
workspaces together stay under the rate. Each request reserves the next free slot (a short
burst may go at once) and sleeps until it; asking politely is cheaper than meeting 429s.
"""

from __future__ import annotations

import asyncio
import threading
import time

_LIMITERS: dict[tuple[str, float], RateLimiter] = {}
_REGISTRY = threading.Lock()


class RateLimiter:
    """`await acquire()` before each request; thread-safe."""

    def __init__(self, per_s: float, burst: int = 1) -> None:
        if per_s <= 0:
            raise ValueError("the rate must be positive")
        self.interval = 1.0 / per_s
        self.burst = max(1, burst)
        self._next = 0.0  # when the next request may go, had no burst been allowed
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Seconds to wait before this request may go (the slot is taken)."""
        with self._lock:
            now = time.monotonic()
            start = max(self._next, now - (self.burst - 1) * self.interval)
            self._next = start + self.interval
            return max(0.0, start - now)

    async def acquire(self) -> None:
        wait = self.reserve()
        if wait > 0:
            await asyncio.sleep(wait)


def limiter_for(api_url: str, per_s: float) -> RateLimiter:
    """The process's limiter for one HH address."""
    with _REGISTRY:
        key = (api_url.rstrip("/"), per_s)
        if key not in _LIMITERS:
            _LIMITERS[key] = RateLimiter(per_s)
        return _LIMITERS[key]
