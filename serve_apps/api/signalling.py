"""WebRTC signalling for the candidate's page: offer/answer, ICE candidates, status.

Serve validates the link, then forwards to the interview's actor (named by interview id,
created on first use), always with a timeout: a stuck actor must not hold a request forever.
Errors follow the validate contract (`canInterview: false` with a code) or the API's JSON.
The actor limits offers per link (it is the one place that sees them all, whichever replica
forwards them); a refused one is 429 with `Retry-After`.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from actors.errors import InterviewUnavailable
from actors.naming import CALL_TIMEOUT_S, interview_session
from actors.placement import wait_until_placed
from serve_apps import interview_invites
from serve_apps.api.interviews import LINK_ERRORS, LinkRefusal, link_error_response
from serve_apps.deps import AppDispatcher, AppSettings, Pool
from serve_apps.errors import (
    BODY_ERRORS,
    RETRY_AFTER,
    ErrorBody,
    Responses,
    error_body,
    error_doc,
)

router = APIRouter(tags=["signalling"])
# Finding or creating an interview's actor asks Ray's control store (GCS); while it restarts,
# Ray's client retries for a minute. A candidate gets an answer long before that.
CLUSTER_TIMEOUT_S = 5.0
CLUSTER_RETRY_AFTER_S = 10
# An offer tells the actor when this request stops waiting for it, a little before the call's
# timeout (clocks of two nodes differ by milliseconds): the actor drops an offer nobody waits
# for, which must not overtake the page's retry of it (actors.offer_gate).
DEADLINE_MARGIN_S = 1.0


class Offer(BaseModel):
    sdp: str = Field(min_length=10, max_length=100_000)
    type: str = Field(pattern="^offer$")


class IceCandidate(BaseModel):
    candidate: str = Field(max_length=2000)
    sdp_mid: str | None = None
    sdp_mline_index: int | None = None


class IcePatch(BaseModel):
    pc_id: str = Field(max_length=200)
    candidates: list[IceCandidate] = Field(max_length=50)


def _either(description: str) -> dict[str, Any]:
    """A status answered both for the link (the page's shape) and by the API (its shape)."""
    return {"model": LinkRefusal | ErrorBody, "description": description}


# What every route here can answer besides its result: the link's refusals, then the actor's.
_ACTOR_ERRORS: Responses = {
    **LINK_ERRORS,
    409: error_doc("the interview refuses this now (`offer_superseded`, ...)"),
    429: {**error_doc("`too_many_offers` or `too_many_interviews`"), "headers": RETRY_AFTER},
    503: {**error_doc("the interview is restarting or leaving (`actor_unavailable`, "
                      "`actor_leaving`), every interview place is taken (`at_capacity`, with "
                      "`Retry-After`), the cluster's control store is restarting "
                      "(`cluster_unavailable`), or the database is unavailable"),
          "headers": RETRY_AFTER},
    504: error_doc("the interview did not answer in time (`actor_timeout`, `offer_expired`): "
                   "the same request may be sent again"),
}  # fmt: skip


def _status_for(code: str) -> int:
    return {
        "invalid_offer": 400,
        "interview_finished": 410,
        "too_many_interviews": 429,
        "too_many_offers": 429,
        "offer_superseded": 409,
        "offer_expired": 504,
        "actor_leaving": 503,
        "at_capacity": 503,
        "cluster_unavailable": 503,
        "unknown_connection": 404,
    }.get(code, 409)


def _unavailable(cause: InterviewUnavailable) -> JSONResponse:
    headers = {"Retry-After": str(cause.retry_after_s)} if cause.retry_after_s is not None else None
    return JSONResponse(
        error_body(cause.code, cause.message), _status_for(cause.code), headers=headers
    )


async def _call(context: Any, method: str, *args: Any, with_deadline: bool = False) -> Any:
    """Call the interview's actor (created where a slot is free) with the standard timeout;
    map actor errors to JSON. `with_deadline` passes the method the wall-clock time this call
    stops waiting (`deadline=`), for work that must not go on once nobody waits for it."""
    from ray.exceptions import RayActorError, RayTaskError

    try:
        actor = await asyncio.wait_for(
            asyncio.to_thread(interview_session, context.workspace_id, context.interview.id),
            timeout=CLUSTER_TIMEOUT_S,
        )
        await wait_until_placed(actor)  # a lost race for the last place ends here, not in 504
    except InterviewUnavailable as e:  # no free place for a new interview
        return _unavailable(e)
    except TimeoutError:  # Ray's control store (GCS) does not answer: it is restarting
        return _unavailable(InterviewUnavailable(
            "cluster_unavailable",
            "the interview service is restarting; your link stays valid, try again shortly",
            retry_after_s=CLUSTER_RETRY_AFTER_S,
        ))  # fmt: skip
    stops_at = time.time() + CALL_TIMEOUT_S - DEADLINE_MARGIN_S
    options = {"deadline": stops_at} if with_deadline else {}
    try:
        call = getattr(actor, method).remote(*args, **options)
        return await asyncio.wait_for(call, timeout=CALL_TIMEOUT_S)
    except TimeoutError:
        return JSONResponse(
            error_body("actor_timeout", "the interview did not answer in time"), 504
        )
    except RayTaskError as e:
        cause = e.as_instanceof_cause()
        if isinstance(cause, InterviewUnavailable):
            return _unavailable(cause)
        raise
    except RayActorError:
        return JSONResponse(
            error_body("actor_unavailable", "the interview is restarting; try again in a moment"),
            503,
        )


@router.post(
    "/interview-links/{token}/offer",
    responses={
        **BODY_ERRORS,
        **_ACTOR_ERRORS,
        400: _either("not ready (`not_ready`), an offer the interview refuses (`invalid_offer`), "
                     "or a malformed body (`bad_request`)"),
    },
)  # fmt: skip
async def offer(
    token: str, body: Offer, pool: Pool, settings: AppSettings, dispatcher: AppDispatcher
) -> Any:
    """SDP offer in, SDP answer out (`{sdp, type, pc_id}`)."""
    try:
        context = await asyncio.to_thread(
            interview_invites.check_link, pool, settings, token,
            start_analysis=dispatcher.submit_analysis,
        )  # fmt: skip
    except interview_invites.LinkError as e:
        return link_error_response(e)
    return await _call(context, "offer", body.sdp, body.type, with_deadline=True)


@router.patch(
    "/interview-links/{token}/ice",
    responses={
        **BODY_ERRORS,
        **_ACTOR_ERRORS,
        400: _either("not ready (`not_ready`) or a malformed body (`bad_request`)"),
        404: _either("not a valid link (`unknown_link`) or no such connection "
                     "(`unknown_connection`)"),
    },
)  # fmt: skip
async def ice(
    token: str, body: IcePatch, pool: Pool, settings: AppSettings, dispatcher: AppDispatcher
) -> Any:
    """Trickled ICE candidates for the connection made by the last offer."""
    try:
        context = await asyncio.to_thread(
            interview_invites.check_link, pool, settings, token,
            start_analysis=dispatcher.submit_analysis,
        )  # fmt: skip
    except interview_invites.LinkError as e:
        return link_error_response(e)
    candidates = [c.model_dump() for c in body.candidates]
    result = await _call(context, "add_ice_candidates", body.pc_id, candidates)
    return result if isinstance(result, JSONResponse) else {"added": result}


@router.get("/interview-links/{token}/status", responses=_ACTOR_ERRORS)
async def status(token: str, pool: Pool, settings: AppSettings, dispatcher: AppDispatcher) -> Any:
    """The interview's status, turn count and whether a client is connected."""
    try:
        context = await asyncio.to_thread(
            interview_invites.check_link, pool, settings, token,
            start_analysis=dispatcher.submit_analysis,
        )  # fmt: skip
    except interview_invites.LinkError as e:
        return link_error_response(e)
    return await _call(context, "status")
