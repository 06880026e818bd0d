"""The offer gate on its own, with an injected clock and no Ray: the per-link window (limit,
sliding expiry, `retry_after_s`, refused offers not counted) and the one-at-a-time order in
which a queued offer that a newer one overtook is dropped."""

from __future__ import annotations

import asyncio

import pytest

from actors.errors import InterviewUnavailable
from actors.offer_gate import OfferGate, OfferWindow


class FakeClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _refusal(gate: OfferGate) -> InterviewUnavailable:
    with pytest.raises(InterviewUnavailable) as info:
        gate.admit()
    return info.value


def test_window_admits_up_to_the_limit_then_says_how_long_to_wait() -> None:
    window = OfferWindow(limit=3, window_s=10)
    assert [window.admit(t) for t in (0.0, 1.0, 2.0)] == [None, None, None]
    assert window.admit(2.5) == pytest.approx(7.5)  # the first admitted one leaves at 10


def test_window_slides_each_offer_out_window_s_after_it_came() -> None:
    window = OfferWindow(limit=2, window_s=10)
    assert window.admit(0.0) is None and window.admit(4.0) is None
    assert window.admit(9.9) == pytest.approx(0.1)
    assert window.admit(10.0) is None  # the offer of 0.0 has left; 4.0 and 10.0 are in
    assert window.admit(13.0) == pytest.approx(1.0)  # 4.0 leaves at 14
    assert window.admit(14.0) is None


def test_refused_offers_do_not_count() -> None:
    window = OfferWindow(limit=1, window_s=10)
    assert window.admit(0.0) is None
    for t in range(1, 10):  # a client hammering the whole window is refused every time...
        assert window.admit(float(t)) is not None
    assert window.admit(10.0) is None  # ...and still gets in as soon as the window has slid


def test_gate_refusal_is_too_many_offers_with_whole_seconds_to_wait() -> None:
    clock = FakeClock()
    gate = OfferGate(2, 8, clock=clock)
    assert [gate.admit(), gate.admit()] == [1, 2]
    clock.now += 0.2
    refused = _refusal(gate)
    assert refused.code == "too_many_offers"
    assert refused.retry_after_s == 8  # 7.8 s left, rounded up: never too early
    assert "8 s" in refused.message
    clock.now += 7.79
    assert _refusal(gate).retry_after_s == 1  # 0.01 s left: at least a second
    clock.now += 0.01
    assert gate.admit() == 3  # numbers count admitted offers only


def test_each_link_has_its_own_window() -> None:
    clock = FakeClock()
    mine, other = OfferGate(1, 10, clock=clock), OfferGate(1, 10, clock=clock)
    mine.admit()
    assert _refusal(mine).code == "too_many_offers"
    assert other.admit() == 1


def test_a_closed_gate_refuses_new_and_queued_offers_as_actor_leaving() -> None:
    gate = OfferGate(5, 10, clock=FakeClock())
    number = gate.admit()
    gate.close()
    assert _refusal(gate).code == "actor_leaving"
    with pytest.raises(InterviewUnavailable) as info:
        gate.check(number)
    assert info.value.code == "actor_leaving"


def test_offers_go_one_at_a_time_and_an_overtaken_one_is_dropped() -> None:
    async def scenario() -> tuple[list[str], int]:
        gate = OfferGate(10, 60, clock=FakeClock())
        events: list[str] = []
        release_first = asyncio.Event()

        async def offer(name: str, hold: asyncio.Event | None = None) -> None:
            number = gate.admit()
            try:
                async with gate.turn(number):
                    events.append(f"{name} answering")
                    if hold is not None:
                        await hold.wait()
                    gate.check(number)  # after a long await, as the actor does
                    events.append(f"{name} answered")
            except InterviewUnavailable as e:
                events.append(f"{name} {e.code}")

        first = asyncio.create_task(offer("first", release_first))
        await asyncio.sleep(0)  # first holds the turn
        queued = [asyncio.create_task(offer(name)) for name in ("second", "third")]
        await asyncio.sleep(0)
        in_flight = gate.in_flight
        release_first.set()
        await asyncio.gather(first, *queued)
        return events, in_flight + 100 * gate.in_flight

    events, in_flight = asyncio.run(scenario())
    # First was overtaken while answering (it re-checks); second while queued; third answers.
    assert events == [
        "first answering", "first offer_superseded", "second offer_superseded",
        "third answering", "third answered",
    ]  # fmt: skip
    assert in_flight == 3  # three were in flight, none is left


def test_an_offer_past_its_callers_deadline_is_dropped_and_never_overtakes_the_retry() -> None:
    wall = FakeClock()
    gate = OfferGate(5, 60, clock=FakeClock(), wall_clock=wall)
    live = gate.admit(deadline=wall.now + 30)  # the page's retry, sent after the first gave up
    with pytest.raises(InterviewUnavailable) as late:  # the first, reaching the actor late
        gate.admit(deadline=wall.now - 0.5)
    assert late.value.code == "offer_expired"
    gate.check(live, wall.now + 30)  # still the newest: it gets its answer
    wall.now += 31  # ...unless its own caller gave up while it waited for its turn
    with pytest.raises(InterviewUnavailable) as waited:
        gate.check(live, wall.now - 1)
    assert waited.value.code == "offer_expired"
    assert gate.admit(deadline=wall.now + 30) == live + 1  # expired ones took no number
