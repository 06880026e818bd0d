"""Negotiation endpoints (employer_negotiations docs): collections of a vacancy, the responses
in a collection, one response, its messages, and the actions at each response's own URL."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from tests.fakes.hh import render
from tests.fakes.hh.data import STAGE, Negotiation, Vacancy, available_actions
from tests.fakes.hh.deps import Fake, Paid, arguments, paging
from tests.fakes.hh.errors import bad_argument, negotiations_error, not_found
from tests.fakes.hh.server import FakeHH

router = APIRouter()


def _vacancy(hh: FakeHH, vacancy_id: str | None) -> Vacancy:
    if not vacancy_id:
        raise bad_argument("vacancy_id")
    v = hh.world.vacancy(vacancy_id)
    if v is None:
        raise not_found()
    return v


def _negotiation(hh: FakeHH, nid: str) -> Negotiation:
    n = hh.world.negotiation(nid)
    if n is None:
        raise not_found()
    return n


@router.get("/negotiations")
async def collections(request: Request, hh: Fake, _: Paid) -> dict[str, Any]:
    """The vacancy's collections with counters and the url of each."""
    v = _vacancy(hh, request.query_params.get("vacancy_id"))
    return render.collections(v, hh.world, hh.api_url)


@router.get("/negotiations/{key}")
async def collection_or_item(key: str, request: Request, hh: Fake, _: Paid) -> dict[str, Any]:
    """`/negotiations/{collection}?vacancy_id=` lists; `/negotiations/{nid}` is one response."""
    if key not in STAGE:
        n = _negotiation(hh, key)
        return render.negotiation(n, hh.world, hh.now(), hh.api_url, full=True)
    v = _vacancy(hh, request.query_params.get("vacancy_id"))
    page_no, per_page = paging(request)
    order_by = request.query_params.get("order_by", "last_change_time_except_employer_inbox")
    if order_by not in render.ORDER_BY:
        raise bad_argument("order_by")
    members = hh.world.negotiations_of(v.id, key)
    if order_by == "created_at":
        members.sort(key=lambda n: (n.created_at, n.id), reverse=True)
    else:
        members.sort(key=lambda n: (n.updated_at, n.id), reverse=True)
    now = hh.now()
    items = [render.negotiation(n, hh.world, now, hh.api_url) for n in members]
    ordered_by = {"id": order_by, "name": dict(render.ORDER_TYPES)[order_by]}
    return render.page(items, page_no, per_page, ordered_by=ordered_by)


@router.get("/negotiations/{nid}/messages")
async def messages(nid: str, request: Request, hh: Fake, _: Paid) -> dict[str, Any]:
    """Oldest first; reading them is one of HH's ways of marking a response as seen."""
    n = _negotiation(hh, nid)
    page_no, per_page = paging(request)
    with hh.world.lock:
        n.has_updates = False
        for m in n.messages:
            m.viewed_by_me = True
    chosen = n.messages
    if request.query_params.get("with_text_only") == "true":
        chosen = [m for m in chosen if m.text]
    return render.page([render.message(m) for m in chosen], page_no, per_page)


@router.post("/negotiations/{nid}/messages")
async def send_message(nid: str, request: Request, hh: Fake, _: Paid) -> Response:
    """201 without a body (the employer's answer is not JSON, the spec warns)."""
    n = _negotiation(hh, nid)
    text = (await arguments(request)).get("message", "").strip()
    vacancy = hh.world.vacancy(n.vacancy_id)
    if vacancy is None or vacancy.archived:
        raise negotiations_error("archived")
    if not vacancy.allow_messages:
        raise negotiations_error("disabled_by_employer")
    if not text:
        raise negotiations_error("message_cannot_be_empty")
    limit = hh.messages_in_a_row_limit
    if limit is not None:
        in_a_row = 0
        for m in reversed(n.messages):
            if m.author != "employer":
                break
            in_a_row += 1
        if in_a_row >= limit:
            raise negotiations_error("in_a_row_limit")
    with hh.world.lock:
        # A message after a silent state change is what tells the applicant (spec).
        n.state = STAGE[n.employer_state].applicant_state or n.state
        hh.world.add_message(n, "employer", text, hh.now())
    return Response(status_code=201, media_type="text/html")


@router.put("/negotiations/{action_id}/{nid}")
async def act(action_id: str, nid: str, request: Request, hh: Fake, _: Paid) -> Response:
    """An action from `actions[]`: moves the response to the action's stage."""
    n = _negotiation(hh, nid)
    if action_id not in STAGE:
        raise not_found()
    vacancy = hh.world.vacancy(n.vacancy_id)
    if vacancy is None or vacancy.archived:
        raise negotiations_error("invalid_vacancy")
    if STAGE[action_id] not in available_actions(n.employer_state):
        raise negotiations_error("wrong_state")
    args = await arguments(request)
    if ("send_sms" in args or "address_id" in args) and not args.get("message"):
        raise bad_argument("message")
    hh.world.apply_action(n, action_id, args, hh.now())
    return Response(status_code=204)
