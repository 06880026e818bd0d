"""Status machines of resumes and interviews: which status may follow which.

Plain tables so the API, the console and the repositories read the same rules. Repositories
enforce them in the `update ... where status = any(<allowed sources>)` itself, so two workers
racing for the same row cannot both win.
"""

from __future__ import annotations

from collections.abc import Mapping

from db.errors import InvalidTransition

# Entering 'parsing' is a claim with a lease (`db.resume_leases.claim_for_parsing`), never a plain
# status change: 'parsing' → 'parsing' is another worker taking over an expired lease, or a
# retry of the same task taking over its dead attempt's. The parse ends through its lease too.
RESUME_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "pending": frozenset({"parsing", "failed"}),
    "parsing": frozenset({"parsing", "parsed", "failed"}),
    "parsed": frozenset({"interview_scheduled", "failed"}),
    "interview_scheduled": frozenset({"interviewed"}),
    "interviewed": frozenset(),
    "failed": frozenset({"pending"}),  # a retry starts over
}

INTERVIEW_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "created": frozenset({"active", "failed"}),
    "active": frozenset({"completed", "failed"}),
    "completed": frozenset(),
    "failed": frozenset(),
}


def sources_of(machine: Mapping[str, frozenset[str]], target: str) -> list[str]:
    """The statuses from which `target` may be reached (empty for an unknown target)."""
    return sorted(status for status, following in machine.items() if target in following)


def invalid_transition(kind: str, row_id: int, current: str, requested: str) -> InvalidTransition:
    """The error for a refused change, naming both statuses so a person can act on it."""
    return InvalidTransition(
        f"{kind} {row_id} cannot go from '{current}' to '{requested}'",
        current=current,
        requested=requested,
    )
