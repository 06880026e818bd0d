"""Idempotency keys of API requests: claim a key, complete it with the response, release it.

A request that carries `Idempotency-Key` claims its key before it runs (`claim`, in a short
transaction of its own, committed before the work starts): either the key is now its own (a
`Claim`), or an earlier request holds it (`Held`: still running, or completed with the
response to replay). After running it stores its response (`complete`), or gives the key back
(`release`) after a server error so that a retry runs again. Rows are tenant rows under RLS;
the key's scope is the workspace, the principal ('user:<id>' or 'api_key:<id>'), the key, the
method and the path (0039_idempotency_keys.sql).

Rows live `TTL`; an expired row is ignored and overwritten by the next claim of its key, and
each claim deletes a few expired rows of its workspace, so nothing needs a sweep of its own
(`delete_expired` is there for one). A running row past its lease belongs to a request that
died with its replica; a retry with the same fingerprint takes it over, unless the request's
effect had committed: every transaction the request runs marks its row (`mark_effect`, in that
same transaction, through db.pool.before_commit), so a key whose work happened never runs
again. Its failure is kept and replayed like any answer (Stripe does the same), and a request
that died between its work and keeping its answer leaves an unknown outcome (`Held.lost`),
which the API reports instead of running the work twice.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from uuid import UUID

import psycopg

from db.errors import Conflict, TenantContextMissing
from db.secret_box import SecretBox

# How long a key and its stored response are kept (Stripe's figure).
TTL = timedelta(hours=24)
# How long a claim holds its key while its request runs. Serve gives up on a request after 60 s
# (serve_apps/launcher.py), so a row still running at twice that has lost its request.
LEASE = timedelta(seconds=120)
# Expired rows deleted per claim: enough to keep up with the claims that made them.
SWEEP_BATCH = 20
_ATTEMPTS = 3


@dataclass(frozen=True)
class KeyScope:
    """What names a key: workspace, principal ('user:<id>' / 'api_key:<id>'), key, method
    and path."""

    workspace_id: UUID
    principal: str
    key: str
    method: str
    path: str


@dataclass(frozen=True)
class StoredResponse:
    """A response kept for replay: status, body and the headers a replay repeats."""

    status: int
    body: bytes
    content_type: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Claim:
    """The key is this request's now: it must `complete` or `release` it."""

    id: int
    token: UUID


@dataclass(frozen=True)
class Held:
    """The key belongs to an earlier request: 'running', or 'completed' with its response."""

    id: int
    fingerprint: bytes
    state: str
    response: StoredResponse | None
    # Running past its lease after its effect committed: the request died before keeping its
    # answer, so the key cannot run again and has no answer to replay.
    lost: bool = False

    def same_request(self, fingerprint: bytes) -> bool:
        """Whether `fingerprint` is the earlier request's (a retry, not a reuse of the key)."""
        return bytes(self.fingerprint) == fingerprint


def _purpose(row_id: int) -> str:
    return f"idempotency:{row_id}"


def _held(row: tuple, box: SecretBox) -> Held:
    row_id, fingerprint, state, status, content_type, location, sealed, lost = row
    response = None
    if state == "completed":
        body = base64.b64decode(box.open(sealed, purpose=_purpose(row_id)))
        response = StoredResponse(status, body, content_type, location)
    return Held(row_id, bytes(fingerprint), state, response, bool(lost))


_HELD_COLUMNS = (
    "id, fingerprint, state, response_status, response_type, response_location, response_body, "
    "state = 'running' and effect_committed and locked_until <= now()"
)
_SCOPE = (
    "workspace_id = %(workspace_id)s and principal = %(principal)s and key = %(key)s "
    "and method = %(method)s and path = %(path)s"
)


def claim(
    conn: psycopg.Connection,
    *,
    scope: KeyScope,
    fingerprint: bytes,
    box: SecretBox,
    lease: timedelta = LEASE,
    ttl: timedelta = TTL,
) -> Claim | Held:
    """Take the key for a request with `fingerprint`, or say who holds it.

    The key is free when no live row has it, when its row expired, or when its row is still
    running past its lease with the same fingerprint (its request died). Commit the caller's
    transaction before the request's work starts, so concurrent claims see the row."""
    params = {
        "workspace_id": scope.workspace_id, "principal": scope.principal, "key": scope.key,
        "method": scope.method, "path": scope.path, "fingerprint": fingerprint,
        "lease": lease, "ttl": ttl,
    }  # fmt: skip
    delete_expired(conn, limit=SWEEP_BATCH)
    for _ in range(_ATTEMPTS):
        params["token"] = uuid.uuid4()
        try:
            row = conn.execute(
                """
                insert into idempotency_keys (workspace_id, principal, key, method, path,
                                              fingerprint, token, locked_until, expires_at)
                values (%(workspace_id)s, %(principal)s, %(key)s, %(method)s, %(path)s,
                        %(fingerprint)s, %(token)s, now() + %(lease)s, now() + %(ttl)s)
                on conflict (workspace_id, principal, key, method, path) do update
                set fingerprint = excluded.fingerprint, state = 'running',
                    token = excluded.token, locked_until = excluded.locked_until,
                    response_status = null, response_type = null, response_location = null,
                    response_body = null, created_at = now(), expires_at = excluded.expires_at,
                    effect_committed = false
                where idempotency_keys.expires_at <= now()
                   or idempotency_keys.state = 'running'
                      and idempotency_keys.locked_until <= now()
                      and idempotency_keys.fingerprint = excluded.fingerprint
                      and not idempotency_keys.effect_committed
                returning id
                """,
                params,
            ).fetchone()
        except psycopg.errors.InsufficientPrivilege as e:
            raise TenantContextMissing("key workspace_id does not match the context") from e
        if row is not None:
            return Claim(row[0], params["token"])
        existing = conn.execute(
            f"select {_HELD_COLUMNS} from idempotency_keys "  # noqa: S608
            f"where {_SCOPE} and expires_at > now()",
            params,
        ).fetchone()
        if existing is not None:
            return _held(existing, box)
        # Released (or expired) between the two statements: claim again.
    raise Conflict("the idempotency key is being claimed and released repeatedly; retry")


def complete(
    conn: psycopg.Connection, *, claim: Claim, response: StoredResponse, box: SecretBox
) -> bool:
    """Keep the response of the claim's request for replay; False when the claim was lost
    (its lease ran out and a retry took the key over)."""
    sealed = box.seal(base64.b64encode(response.body).decode(), purpose=_purpose(claim.id))
    row = conn.execute(
        """
        update idempotency_keys
        set state = 'completed', locked_until = null, response_status = %s,
            response_type = %s, response_location = %s, response_body = %s
        where id = %s and token = %s and state = 'running'
        returning id
        """,
        (response.status, response.content_type, response.location, sealed, claim.id,
         claim.token),
    ).fetchone()  # fmt: skip
    return row is not None


def mark_effect(conn: psycopg.Connection, *, claim: Claim) -> None:
    """Record, in the request's own transaction, that its work commits with it (when it wrote
    anything: a transaction that only read changes nothing)."""
    conn.execute(
        "update idempotency_keys set effect_committed = true "
        "where id = %s and token = %s and state = 'running' and not effect_committed "
        "and txid_current_if_assigned() is not null",
        (claim.id, claim.token),
    )


def release(conn: psycopg.Connection, *, claim: Claim) -> bool:
    """Give the key back after a failure, so a retry runs again; False when the claim was
    already lost, or when the request's effect committed (then `complete` keeps the failure)."""
    row = conn.execute(
        "delete from idempotency_keys where id = %s and token = %s and state = 'running' "
        "and not effect_committed returning id",
        (claim.id, claim.token),
    ).fetchone()
    return row is not None


def lookup(conn: psycopg.Connection, *, scope: KeyScope, box: SecretBox) -> Held | None:
    """The live (unexpired) row of a key in the current workspace, if any."""
    row = conn.execute(
        f"select {_HELD_COLUMNS} from idempotency_keys "  # noqa: S608
        f"where {_SCOPE} and expires_at > now()",
        asdict(scope),
    ).fetchone()
    return _held(row, box) if row is not None else None


def delete_expired(conn: psycopg.Connection, *, limit: int | None = None) -> int:
    """Delete expired keys of the current workspace (at most `limit`); how many. Rows another
    transaction holds are left for the next call."""
    rows = conn.execute(
        """
        delete from idempotency_keys where id in (
            select id from idempotency_keys where expires_at <= now()
            order by expires_at limit %s for update skip locked
        )
        returning id
        """,
        (limit,),
    ).fetchall()
    return len(rows)
