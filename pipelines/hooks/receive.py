"""One inbound webhook delivery: check it, store it raw, then hand it to its source's handler.

Order matters. For signed sources the signature (HMAC-SHA256 over "<timestamp>.<raw body>",
compared in constant time) and the timestamp window (5 minutes) are checked before anything is
written, so a forged or replayed-late request leaves no trace but a log line. HeadHunter signs
nothing: its hook's unguessable address is the credential and its handler only asks HH again
(pipelines/hooks/hh.py). The event is then stored in its own
committed transaction, which is also the duplicate check (unique hook + event id): a repeat is
answered as a duplicate and never acted on twice, even when two copies arrive at once. Only
then does the handler run; its failure is recorded on the stored event and does not undo it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import inbound_hooks
from db.inbound_hooks import InboundEvent
from db.pool import transaction
from db.secret_box import SealedValueInvalid, SecretBox
from pipelines.hooks.hh import hh_event_id, on_hh_event
from pipelines.outbox.signing import (
    DEFAULT_TOLERANCE_S,
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify,
)

log = logging.getLogger(__name__)

# A handler acts on a stored event and says how it ended: 'processed' (acted on) or 'stored'
# (nothing to do for this kind of event: kept for the integrator to see).
Handler = Callable[[ConnectionPool, UUID, InboundEvent, bytes], str]
_KEPT_HEADERS = ("content-type", "user-agent", EVENT_ID_HEADER.lower(), TIMESTAMP_HEADER.lower())


class HookRefused(Exception):
    """The delivery is refused; `code` is stable, `status` the HTTP answer."""

    status = 400
    code = "hook_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HookNotFound(HookRefused):
    status = 404
    code = "hook_not_found"


class HookSignatureInvalid(HookRefused):
    status = 401
    code = "hook_signature_invalid"


class HookTimestampStale(HookRefused):
    status = 401
    code = "hook_timestamp_stale"


class HookEventIdMissing(HookRefused):
    status = 400
    code = "hook_event_id_missing"


@dataclass(frozen=True)
class Received:
    """The answer: a new event (with how acting on it ended) or a duplicate of a stored one."""

    duplicate: bool
    event_row_id: int | None
    status: str


def keep_only(_pool: ConnectionPool, _ws: UUID, _event: InboundEvent, _body: bytes) -> str:
    """The generic source's handler: integrators' events are kept and shown, nothing more."""
    return "stored"


HANDLERS: dict[str, Handler] = {"generic": keep_only, "hh": on_hh_event}
# Senders that sign nothing (HeadHunter): the hook's unguessable address is their credential,
# the event id comes from the body, and the handler acts only by asking HH itself again.
UNSIGNED: dict[str, Callable[[bytes], str]] = {"hh": hh_event_id}


def receive(
    pool: ConnectionPool,
    box: SecretBox,
    *,
    public_id: str,
    headers: Mapping[str, str],
    body: bytes,
    handlers: Mapping[str, Handler] = HANDLERS,
    now: float | None = None,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> Received:
    """Check, store and act on one delivery; `HookRefused` subclasses say why not."""
    with transaction(pool) as conn:
        target = inbound_hooks.lookup(conn, public_id=public_id)
    if target is None or not target.enabled:
        raise HookNotFound("no inbound webhook at this address")
    lower = {k.lower(): v for k, v in headers.items()}
    if target.source in UNSIGNED:
        event_id = UNSIGNED[target.source](body)
    else:
        event_id = _signed_event_id(box, target, lower, body, now, tolerance_s)
    kept = {k: v[:500] for k, v in lower.items() if k in _KEPT_HEADERS}
    with transaction(pool, workspace_id=target.workspace_id) as conn:
        event = inbound_hooks.store_event(
            conn, workspace_id=target.workspace_id, hook_id=target.hook_id,
            event_id=event_id, body=body, headers=kept,
        )  # fmt: skip
    if event is None:
        log.info("inbound hook %s: duplicate event %s ignored", target.hook_id, event_id)
        return Received(duplicate=True, event_row_id=None, status="duplicate")
    status, error = _act(pool, target.workspace_id, target.source, event, body, handlers)
    with transaction(pool, workspace_id=target.workspace_id) as conn:
        inbound_hooks.finish_event(conn, event_row_id=event.id, status=status, error=error)
    return Received(duplicate=False, event_row_id=event.id, status=status)


def _signed_event_id(
    box: SecretBox,
    target: inbound_hooks.HookTarget,
    lower: Mapping[str, str],
    body: bytes,
    now: float | None,
    tolerance_s: float,
) -> str:
    """The event id of a delivery signed with the hook's secret (see the module docstring)."""
    timestamp = lower.get(TIMESTAMP_HEADER.lower(), "")
    signature = lower.get(SIGNATURE_HEADER.lower(), "")
    try:
        purpose = inbound_hooks.secret_purpose(target.hook_id)
        secret = box.open(target.secret_sealed, purpose=purpose)
    except SealedValueInvalid as e:
        log.error("inbound hook %s: its secret does not open; rotate it", target.hook_id)
        raise HookSignatureInvalid("this webhook's secret must be set again") from e
    current = time.time() if now is None else now
    if not verify(secret.encode(), timestamp, body, signature, now=current, tolerance_s=1e12):
        log.warning("inbound hook %s: bad signature refused", target.hook_id)
        raise HookSignatureInvalid(
            f"the {SIGNATURE_HEADER} header does not sign this body at this timestamp"
        )
    if abs(current - int(timestamp)) > tolerance_s:
        raise HookTimestampStale(
            f"the {TIMESTAMP_HEADER} is more than {int(tolerance_s)} s away from now"
        )
    event_id = lower.get(EVENT_ID_HEADER.lower(), "").strip()
    if not event_id or len(event_id) > 200:
        raise HookEventIdMissing(f"the {EVENT_ID_HEADER} header (1-200 characters) is required")
    return event_id


def _act(
    pool: ConnectionPool,
    workspace_id: UUID,
    source: str,
    event: InboundEvent,
    body: bytes,
    handlers: Mapping[str, Handler],
) -> tuple[str, str | None]:
    handler = handlers.get(source)
    if handler is None:
        return "failed", f"no handler for source '{source}'"
    try:
        return handler(pool, workspace_id, event, body), None
    except Exception as e:  # the event stays stored with the reason; the sender is told 202
        log.exception("inbound event %s (%s) failed", event.id, source)
        return "failed", f"{type(e).__name__}: {e}"[:1000]
