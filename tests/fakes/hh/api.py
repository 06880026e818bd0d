"""Employer endpoints other than negotiations: `/me`, the vacancy lists and a vacancy, resumes
(with their download links) and webhook subscriptions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from tests.fakes.hh import render
from tests.fakes.hh.data import Negotiation, Resume
from tests.fakes.hh.deps import Fake, Paid, User, paging
from tests.fakes.hh.download import resume_pdf, resume_rtf
from tests.fakes.hh.errors import HHError, bad_argument, not_found
from tests.fakes.hh.server import FakeHH

router = APIRouter()

WEBHOOK_ACTIONS = frozenset(
    {
        "NEW_NEGOTIATION_VACANCY",
        "NEW_RESPONSE_OR_INVITATION_VACANCY",
        "VACANCY_ARCHIVATION",
        "VACANCY_CHANGE",
        "VACANCY_PROLONGATION",
        "VACANCY_PUBLICATION_FOR_VACANCY_MANAGER",
        "NEGOTIATION_EMPLOYER_STATE_CHANGE",
    }
)


@router.get("/me")
async def me(hh: Fake, _: User) -> dict[str, Any]:
    """The manager's profile (MeManagerProfile): where the employer id comes from."""
    m, e = hh.world.manager, hh.world.employer
    return {
        "auth_type": "employer",
        "is_admin": False,
        "is_applicant": False,
        "is_application": False,
        "is_employer": True,
        "is_employer_integration": False,
        "id": m.user_id,
        "first_name": m.first_name,
        "last_name": m.last_name,
        "middle_name": m.middle_name,
        "email": m.email,
        "phone": m.phone,
        "is_anonymous": False,
        "is_in_search": None,
        "negotiations_url": None,
        "resumes_url": None,
        "employer": {"id": e.id, "name": e.name, "manager_id": m.id},
        "manager": {
            "id": m.id,
            "has_admin_rights": True,
            "has_multiple_manager_accounts": False,
            "is_main_contact_person": True,
            "manager_settings_url": f"{hh.api_url}/employers/{e.id}/managers/{m.id}/settings",
        },
        "personal_manager": None,
    }


@router.get("/employers/{employer_id}/vacancies/{which}")
async def vacancies(
    employer_id: str, which: str, request: Request, hh: Fake, _: User
) -> dict[str, Any]:
    """The manager's vacancies, newest first, in HH's paging envelope."""
    if which not in ("active", "archived") or employer_id != hh.world.employer.id:
        raise not_found()
    manager_id = request.query_params.get("manager_id", hh.world.manager.id)
    page_no, per_page = paging(request)
    chosen = [
        v
        for v in hh.world.vacancies
        if v.archived == (which == "archived") and v.manager_id == manager_id
    ]
    chosen.sort(key=lambda v: v.published_at, reverse=True)
    items = [render.vacancy_short(v, hh.world, hh.api_url) for v in chosen]
    return render.page(items, page_no, per_page)


@router.get("/vacancies/{vacancy_id}")
async def vacancy(vacancy_id: str, hh: Fake) -> dict[str, Any]:
    """Public on HH (no token needed); archived vacancies answer with `archived: true`."""
    v = hh.world.vacancy(vacancy_id)
    if v is None:
        raise not_found()
    return render.vacancy_full(v, hh.world, hh.api_url)


def _view(hh: FakeHH, resume_id: str, topic_id: str | None) -> tuple[Resume, Negotiation | None]:
    """HH's checks for looking at a resume; a view through its response marks it read."""
    resume = hh.world.resumes.get(resume_id)
    if resume is None:
        raise not_found()
    topic = None
    if topic_id is not None:
        topic = hh.world.negotiation(topic_id)
        if topic is None or topic.resume_id != resume_id:
            raise bad_argument("topic_id")
    if hh.resume_quota_exceeded:
        raise HHError(403, "resumes", "quota_exceeded")
    # Only resumes opened outside a response spend the manager's daily views.
    if topic is None and resume_id not in hh.resumes_seen and hh.resume_views_left is not None:
        if hh.resume_views_left <= 0:
            raise HHError(429, "resumes", "view_limit_exceeded")
        hh.resume_views_left -= 1
    hh.resumes_seen.add(resume_id)
    hh.resume_views.append((resume_id, topic_id))
    if topic is not None:
        topic.has_updates, topic.resume_viewed = False, True
    return resume, topic


@router.get("/resumes/{resume_id}")
async def resume(resume_id: str, request: Request, hh: Fake, _: Paid) -> dict[str, Any]:
    """The full resume with contacts; pass the `topic_id` from the response's resume url."""
    r, topic = _view(hh, resume_id, request.query_params.get("topic_id"))
    return render.resume_full(r, topic, hh.now(), hh.api_url)


@router.get("/resumes/{resume_id}/download/{filename}")
async def download(resume_id: str, filename: str, request: Request, hh: Fake, _: Paid) -> Response:
    """A resume's `download` link: the same checks as viewing it, then the file."""
    kind = request.query_params.get("type")
    if kind not in ("pdf", "rtf"):
        raise bad_argument("type")
    r, _topic = _view(hh, resume_id, request.query_params.get("topic_id"))
    if kind == "pdf":
        return Response(resume_pdf(r), media_type="application/pdf")
    return Response(resume_rtf(r), media_type="application/rtf")


def _subscription(body: Any, *, partial: bool) -> dict[str, Any]:
    """Validate a subscription body; HH answers `bad_json_data` with a JSON pointer."""

    def bad(pointer: str, reason: str) -> HHError:
        return HHError(
            400,
            "bad_json_data",
            pointer.strip("/").split("/")[0] or "body",
            error_fields={"pointer": pointer, "reason": reason},
        )

    if not isinstance(body, dict):
        raise bad("/", "invalid")
    out: dict[str, Any] = {}
    if "url" in body or not partial:
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise bad("/url", "required" if url is None else "invalid")
        out["url"] = url
    if "actions" in body or not partial:
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            raise bad("/actions", "required" if actions is None else "size_less_than_min")
        for i, a in enumerate(actions):
            if not isinstance(a, dict) or a.get("type") not in WEBHOOK_ACTIONS:
                raise bad(f"/actions/{i}/type", "invalid")
        out["actions"] = [{"type": a["type"], "settings": a.get("settings")} for a in actions]
    return out


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise HHError(400, "bad_json_data", "body", error_fields={"reason": "invalid"}) from None


@router.get("/webhook/subscriptions")
async def subscriptions(hh: Fake, _: User) -> dict[str, Any]:
    """The subscriptions of this user and application."""
    return {"items": list(hh.webhooks.values())}


@router.post("/webhook/subscriptions")
async def subscribe(request: Request, hh: Fake, _: User) -> Response:
    """One url per user and application, as HH allows (`notifications` / `already_exist`)."""
    fields = _subscription(await _json(request), partial=False)
    if hh.webhooks:
        raise HHError(400, "notifications", "already_exist")
    sub_id = hh.world.next_id()
    hh.webhooks[sub_id] = {"id": sub_id, **fields}
    return JSONResponse({"id": sub_id}, status_code=201)


@router.put("/webhook/subscriptions/{subscription_id}")
async def change_subscription(
    subscription_id: str, request: Request, hh: Fake, _: User
) -> Response:
    if subscription_id not in hh.webhooks:
        raise not_found()
    hh.webhooks[subscription_id].update(_subscription(await _json(request), partial=True))
    return Response(status_code=204)


@router.delete("/webhook/subscriptions/{subscription_id}")
async def unsubscribe(subscription_id: str, hh: Fake, _: User) -> Response:
    if hh.webhooks.pop(subscription_id, None) is None:
        raise not_found()
    return Response(status_code=204)
