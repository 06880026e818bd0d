"""Parse leases: how a resume is claimed for parsing, finished, and recovered when its worker
died.

Why a lease and not a lock: a worker killed mid-parse (kill -9, OOM, a lost node) must not
leave its resume in 'parsing' for ever. `claim_for_parsing` records who holds the resume
(`parse_owner`), until when (`parse_lease_until`) and which claim it is (`parse_attempts`).

- A Ray retry of the same task (same owner: the task's id) takes the resume over at once; Ray
  retries only when the earlier attempt died, so there is nobody to wait for.
- Any other worker waits for the lease to run out (`PARSE_LEASE_S`), then may take it over;
  `recover_expired_parses` finds such resumes whose task is gone, to submit them again.
- After `MAX_PARSE_ATTEMPTS` claims without a result the resume ends 'failed', with a reason
  a recruiter can read, instead of being retried for ever.
- Only the current holder may finish the parse (`save_parsed`, `fail_parse`): a stale worker
  that wakes up late gets `ParseLeaseLost` and cannot overwrite the newer attempt's result.

Builds on `db.resumes` (the row and its columns); `db.resumes` does not import this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

import psycopg
from psycopg.types.json import Jsonb

from db.errors import InvalidTransition, InvalidValue, NotFound, ParseLeaseLost
from db.resumes import COLUMNS, Resume, embedding_vector, fetch_resume
from db.statuses import invalid_transition

# How long a claim keeps other workers off a resume. A parse is bounded by the engines'
# timeouts: a cloud profile (60 s, 3 tries), a cloud embedding (60 s, 3 tries) and a 40-page
# PDF come to about 7 minutes at worst. A lease running out mid-parse only wastes work (the
# first worker's save is refused), but it must not happen routinely. A Ray retry of the same
# task does not wait for it (same owner); only a parse whose task is gone altogether waits
# this long for the sweep or a resubmission.
PARSE_LEASE_S = 600.0
# Claims before a resume is given up as failed: a file that kills its worker every time (a
# parser crash, memory) must not be retried for ever. Three is one Ray task with its two
# retries (`actors.tasks`, max_retries=2).
MAX_PARSE_ATTEMPTS = 3
_LEASE_EXPIRED = "(parse_lease_until is null or parse_lease_until <= now())"
_EXHAUSTED = "(status = 'parsing' and parse_attempts >= %(max_attempts)s)"
_ABANDONED_REASON = (
    "'parsing did not finish after ' || parse_attempts || ' attempts "
    "(the worker stopped each time); the file was kept, retry later'"
)


@dataclass(frozen=True)
class ParseLease:
    """A worker's hold on a resume being parsed; `attempt` tells its claims apart, so only the
    latest may finish the resume."""

    resume_id: int
    owner: str
    attempt: int
    until: datetime


@dataclass(frozen=True)
class ParseClaim:
    """The row after a claim, and the lease when the caller now holds it; no lease means the
    claim found the attempts used up and ended the resume 'failed' (see `failure_reason`)."""

    resume: Resume
    lease: ParseLease | None


@dataclass(frozen=True)
class ExpiredParses:
    """Resumes whose parse lease ran out: to submit again, and given up just now as failed."""

    resubmit: list[int]
    abandoned: list[int]


def claim_for_parsing(
    conn: psycopg.Connection,
    *,
    resume_id: int,
    owner: str | None = None,
    lease_s: float = PARSE_LEASE_S,
    max_attempts: int = MAX_PARSE_ATTEMPTS,
) -> ParseClaim:
    """Take a resume for parsing: a pending one, one whose lease ran out, or one this `owner`
    holds already (a Ray retry of the same task, whose earlier attempt died).

    `owner` is the caller's identity, the same across retries of one submission (a Ray task's
    id); None is a fresh one, so only an expired lease can be taken over. One statement, so of
    two racing claims one wins. A resume whose `max_attempts` claims all ended without a result
    is failed instead (returned without a lease). `InvalidTransition` when someone else holds a
    live lease (`current` = 'parsing') or the resume is not waiting to be parsed.
    """
    if lease_s <= 0 or max_attempts < 1:
        raise InvalidValue("a parse lease needs a positive length and at least one attempt")
    owner = owner or uuid4().hex
    row = fetch_resume(
        conn,
        f"""
        update resumes set
            status = case when {_EXHAUSTED} then 'failed' else 'parsing' end,
            failure_reason = case when {_EXHAUSTED} then {_ABANDONED_REASON} end,
            parse_attempts = parse_attempts + case when {_EXHAUSTED} then 0 else 1 end,
            parse_owner = case when {_EXHAUSTED} then null else %(owner)s end,
            parse_lease_until = case when {_EXHAUSTED} then null
                                     else now() + make_interval(secs => %(lease_s)s) end
        where id = %(id)s
          and (status = 'pending'
               or status = 'parsing' and ({_LEASE_EXPIRED} or parse_owner = %(owner)s))
        returning {COLUMNS}
        """,
        {"id": resume_id, "owner": owner, "lease_s": lease_s, "max_attempts": max_attempts},
    )
    if row is None:
        raise _refusal(conn, resume_id, "parsing")
    if row.status == "failed":
        return ParseClaim(row, None)
    assert row.parse_lease_until is not None  # set by the claim
    return ParseClaim(row, ParseLease(row.id, owner, row.parse_attempts, row.parse_lease_until))


def save_parsed(
    conn: psycopg.Connection,
    *,
    lease: ParseLease,
    text: str,
    profile: dict[str, Any],
    profile_engine: str,
    embedding: Sequence[float] | None = None,
    embedding_engine: str | None = None,
    flags: Sequence[str] = (),
    hidden_text: str | None = None,
    language: str | None = None,
) -> Resume:
    """Store the extraction results and mark the resume 'parsed', if `lease` still holds it
    (else `ParseLeaseLost`).

    `flags` are document findings a recruiter must see (hidden_text, prompt_injection);
    `hidden_text` is what a human could not see in the file, kept for review, never scored.
    """
    vector = None
    if embedding is not None:
        vector = embedding_vector(embedding)
        if not embedding_engine:
            raise InvalidValue("an embedding needs the engine that computed it")
    return _finish(
        conn,
        lease,
        "parsed",
        """text = %(text)s, profile = %(profile)s, profile_engine = %(profile_engine)s,
           embedding = %(embedding)s, embedding_engine = %(embedding_engine)s,
           flags = %(flags)s, hidden_text = %(hidden_text)s, language = %(language)s""",
        {
            "flags": Jsonb(list(flags)),
            "hidden_text": hidden_text or None,
            "language": language,
            "text": text,
            "profile": Jsonb(profile),
            "profile_engine": profile_engine,
            "embedding": vector,
            "embedding_engine": embedding_engine if vector is not None else None,
        },
    )


def fail_parse(conn: psycopg.Connection, *, lease: ParseLease, reason: str) -> Resume:
    """Mark the resume 'failed' with a reason a recruiter can read, if `lease` still holds it
    (else `ParseLeaseLost`)."""
    if not reason.strip():
        raise InvalidValue("a failed resume needs a reason")
    return _finish(conn, lease, "failed", "failure_reason = %(reason)s", {"reason": reason.strip()})


def recover_expired_parses(
    conn: psycopg.Connection, *, max_attempts: int = MAX_PARSE_ATTEMPTS
) -> ExpiredParses:
    """Resumes of the current workspace stuck in 'parsing' past their lease (their worker and
    its task are gone): those with attempts left are returned for the caller to submit again
    (the new task takes the expired lease over); the others are failed now, with the reason."""
    abandoned = conn.execute(
        f"""
        update resumes set status = 'failed', failure_reason = {_ABANDONED_REASON},
                           parse_owner = null, parse_lease_until = null
        where status = 'parsing' and {_LEASE_EXPIRED} and parse_attempts >= %(max_attempts)s
        returning id
        """,
        {"max_attempts": max_attempts},
    ).fetchall()
    resubmit = conn.execute(
        f"select id from resumes where status = 'parsing' and {_LEASE_EXPIRED} order by id"
    ).fetchall()
    return ExpiredParses([r[0] for r in resubmit], sorted(r[0] for r in abandoned))


def _finish(
    conn: psycopg.Connection,
    lease: ParseLease,
    target: str,
    assignments: str,
    params: dict[str, Any],
) -> Resume:
    """End a parse as `target` and drop the lease; `ParseLeaseLost` if the lease was lost."""
    row = fetch_resume(
        conn,
        f"""
        update resumes set status = %(target)s, parse_owner = null, parse_lease_until = null,
                           {assignments}
        where id = %(id)s and status = 'parsing'
          and parse_owner = %(owner)s and parse_attempts = %(attempt)s
        returning {COLUMNS}
        """,
        {
            **params,
            "id": lease.resume_id,
            "target": target,
            "owner": lease.owner,
            "attempt": lease.attempt,
        },
    )
    if row is None:
        raise _refusal(conn, lease.resume_id, target, lease)
    return row


def _refusal(
    conn: psycopg.Connection, resume_id: int, target: str, lease: ParseLease | None = None
) -> InvalidTransition:
    """Why a claim (no `lease`) or a finish was refused: who holds the resume now, or its
    status. A refused finish is always a lost lease: another attempt took the resume over, or
    it was finished, failed or reset meanwhile."""
    current = conn.execute(
        "select status, parse_attempts, parse_lease_until from resumes where id = %s",
        (resume_id,),
    ).fetchone()
    if current is None:
        raise NotFound(f"resume {resume_id} not found")
    status, attempt, until = current
    if status != "parsing":
        refused = invalid_transition("resume", resume_id, status, target)
        if lease is None:
            return refused
        return ParseLeaseLost(refused.message, current=status, requested=target)
    expiry = until.isoformat(timespec="seconds") if until else "its lease runs out"
    holder = f"attempt {attempt} holds it until {expiry}"
    message = f"resume {resume_id} cannot go from 'parsing' to '{target}': {holder}"
    if lease is None:
        return InvalidTransition(message, current=status, requested=target)
    return ParseLeaseLost(
        f"{message}; attempt {lease.attempt} lost it", current=status, requested=target
    )
