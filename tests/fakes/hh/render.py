"""The world as HH's JSON: field names and nesting follow the OpenAPI examples
(VacanciesActiveList, NegotiationsCollectionNegotiations, ResumeResumeViewEmployer, ...).
Every URL points at the fake (`base`), so a client that follows links stays on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from tests.fakes.hh.data import (
    APPLICANT_STATES,
    STAGE,
    STAGES,
    Area,
    Message,
    Negotiation,
    Resume,
    Stage,
    Vacancy,
    World,
    available_actions,
    hh_time,
)

ORDER_TYPES = (
    ("last_change_time_except_employer_inbox", "По дате создания и активности соискателя"),
    ("created_at", "По дате отклика"),
)
ORDER_BY = {order_id for order_id, _ in ORDER_TYPES}
_MESSAGE_STATES = {**APPLICANT_STATES, "text": "Текст"}


def page(items: list[Any], page_no: int, per_page: int, **extra: Any) -> dict[str, Any]:
    """HH's paging envelope; `pages` is at least 1 as the docs say."""
    found = len(items)
    return {
        "found": found,
        "pages": max(1, -(-found // per_page)),
        "page": page_no,
        "per_page": per_page,
        **extra,
        "items": items[page_no * per_page : (page_no + 1) * per_page],
    }


def area(a: Area, base: str) -> dict[str, str]:
    """An `area` object (`{id, name, url}`)."""
    return {"id": a.id, "name": a.name, "url": f"{base}/areas/{a.id}"}


def id_name(pair: tuple[str, str]) -> dict[str, str]:
    return {"id": pair[0], "name": pair[1]}


def employer(world: World, base: str) -> dict[str, Any]:
    """The employer as vacancies embed it."""
    e = world.employer
    return {
        "id": e.id,
        "name": e.name,
        "url": f"{base}/employers/{e.id}",
        "alternate_url": f"https://hh.ru/employer/{e.id}",
        "logo_urls": None,
        "trusted": True,
        "accredited_it_employer": True,
    }


def salary(v: Vacancy) -> dict[str, Any] | None:
    """A vacancy's `salary` (null when neither bound is set)."""
    if v.salary_from is None and v.salary_to is None:
        return None
    return {"from": v.salary_from, "to": v.salary_to, "currency": v.currency, "gross": v.gross}


def vacancy_short(v: Vacancy, world: World, base: str) -> dict[str, Any]:
    """An item of `/employers/{id}/vacancies/active` or `/archived`."""
    responses = world.negotiations_of(v.id)
    item = {
        "id": v.id,
        "name": v.name,
        "url": f"{base}/vacancies/{v.id}",
        "alternate_url": f"https://hh.ru/vacancy/{v.id}",
        "apply_alternate_url": f"https://hh.ru/applicant/vacancy_response?vacancyId={v.id}",
        "archived": v.archived,
        "area": area(v.area, base),
        "address": None,
        "department": None,
        "employer": employer(world, base),
        "has_test": False,
        "premium": False,
        "relations": [],
        "response_letter_required": False,
        "response_url": None,
        "salary": salary(v),
        "type": {"id": "open", "name": "Открытая"},
        "created_at": hh_time(v.created_at),
        "published_at": hh_time(v.published_at),
        "manager": {"id": v.manager_id},
        "counters": {
            "responses": len(responses),
            "unread_responses": sum(n.has_updates for n in responses),
            "invitations": sum(n.state == "invitation" for n in responses),
            "invitations_and_responses": len(responses),
        },
    }
    if v.archived:
        item["archived_at"] = hh_time(v.archived_at or v.expires_at)
    else:
        item["expires_at"] = hh_time(v.expires_at)
        item["has_updates"] = any(n.has_updates for n in responses)
    return item


def vacancy_full(v: Vacancy, world: World, base: str) -> dict[str, Any]:
    """`GET /vacancies/{id}`: the short form plus description, key_skills and terms."""
    full = vacancy_short(v, world, base)
    full.pop("counters")
    full.update(
        {
            "description": v.description,
            "key_skills": [{"name": s} for s in v.key_skills],
            "professional_roles": [id_name(v.professional_role)],
            "experience": id_name(v.experience),
            "schedule": id_name(v.schedule),
            "employment": id_name(v.employment),
            "allow_messages": v.allow_messages,
            "initial_created_at": hh_time(v.created_at),
            "hidden": False,
            "expires_at": hh_time(v.expires_at),
        }
    )
    return full


def _resume_links(r: Resume, n: Negotiation | None, base: str) -> dict[str, Any]:
    name = quote(f"{r.last_name} {r.first_name}")
    topic = f"&topic_id={n.id}&vacancy_id={n.vacancy_id}" if n else ""
    download = {
        kind: {"url": f"{base}/resumes/{r.id}/download/{name}.{kind}?type={kind}{topic}"}
        for kind in ("pdf", "rtf")
    }
    return {
        "url": f"{base}/resumes/{r.id}" + (f"?topic_id={n.id}" if n else ""),
        "alternate_url": f"https://hh.ru/resume/{r.id}"
        + (f"?t={n.id}&vacancyId={n.vacancy_id}" if n else ""),
        "download": download,
        "actions": {"download": download},
    }


def resume_short(r: Resume, n: Negotiation | None, now: datetime, base: str) -> dict[str, Any]:
    """The resume as embedded in a negotiation (employer_resumes.md#resume-short)."""
    return {
        "id": r.id,
        "title": r.title,
        **_resume_links(r, n, base),
        "first_name": r.first_name,
        "last_name": r.last_name,
        "middle_name": r.middle_name,
        "age": r.age(now.date()),
        "can_view_full_info": True,
        "hidden_fields": [],
        "area": area(r.area, base),
        "gender": id_name((r.gender, _GENDERS[r.gender])),
        "created_at": hh_time(r.created_at),
        "updated_at": hh_time(r.updated_at),
        "certificate": [],
        "photo": None,
        "platform": {"id": "headhunter"},
        "salary": {"amount": r.salary, "currency": r.currency} if r.salary else None,
        "total_experience": {"months": r.experience_months(now.date())},
        "experience": [_job(job, base, full=False) for job in r.experience],
        "education": {
            "level": id_name(r.education_level),
            "primary": [
                vars(s) | {"name_id": None, "organization_id": None, "result_id": None}
                for s in r.education
            ],
        },
        "owner": {
            "id": r.owner_id,
            "comments": {
                "url": f"{base}/applicant_comments/{r.owner_id}",
                "counters": {"total": 0},
            },
        },
        "negotiations_history": {"url": f"{base}/resumes/{r.id}/negotiations_history"},
        "viewed": n.resume_viewed if n else False,
        "favorited": False,
        "marked": False,
    }


_GENDERS = {"male": "Мужской", "female": "Женский"}


def _job(job: Any, base: str, *, full: bool) -> dict[str, Any]:
    item = {
        "company": job.company,
        "company_id": None,
        "company_url": job.company_url,
        "employer": None,
        "industries": [],
        "industry": None,
        "area": area(job.area, base),
        "position": job.position,
        "start": job.start.isoformat(),
        "end": job.end.isoformat() if job.end else None,
    }
    if full:
        item["description"] = job.description
    return item


def resume_full(r: Resume, n: Negotiation | None, now: datetime, base: str) -> dict[str, Any]:
    """`GET /resumes/{id}` for an employer allowed to see contacts."""
    full = resume_short(r, n, now, base)
    full["experience"] = [_job(job, base, full=True) for job in r.experience]
    phone = {
        "type": {"id": "cell", "name": "Мобильный телефон"},
        "value": {
            "country": r.phone.country,
            "city": r.phone.city,
            "number": r.phone.number,
            "formatted": r.phone.formatted,
        },
        "preferred": r.preferred_contact == "cell",
        "comment": r.phone_comment,
        "need_verification": False,
        "verified": True,
    }
    email = {
        "type": {"id": "email", "name": "Эл. почта"},
        "value": r.email,
        "preferred": r.preferred_contact == "email",
    }
    # HH's `resume_contacts_site_type` has no Telegram: candidates give it as "Другой сайт".
    site = (
        [{"type": {"id": "personal", "name": "Другой сайт"}, "url": f"https://t.me/{r.telegram}"}]
        if r.telegram
        else []
    )
    full.update(
        {
            "birth_date": r.birth_date.isoformat(),
            "contact": [phone, email],
            "site": site,
            "skills": r.skills,
            "skill_set": list(r.skill_set),
            "citizenship": [area(r.citizenship, base)],
            "work_ticket": [area(r.citizenship, base)],
            "language": [
                {"id": lid, "name": name, "level": {"id": level, "name": level_name}}
                for lid, name, level, level_name in r.languages
            ],
            "schedules": [id_name(s) for s in r.schedules],
            "employments": [{"id": "full", "name": "Полная занятость"}],
            "relocation": {
                "type": {"id": "no_relocation", "name": "не готов к переезду"},
                "area": [],
                "district": [],
            },
            "business_trip_readiness": {"id": "ready", "name": "готов к командировкам"},
            "recommendation": [],
            "portfolio": [],
            "paid_services": [],
            "resume_locale": {"id": "RU", "name": "Русский"},
        }
    )
    return full


def state(state_id: str) -> dict[str, str]:
    return {"id": state_id, "name": APPLICANT_STATES[state_id]}


def employer_state(state_id: str) -> dict[str, str]:
    return {"id": state_id, "name": STAGE[state_id].state_name}


def action(stage: Stage, n: Negotiation, base: str) -> dict[str, Any]:
    """One of `actions[]`: `PUT {base}/negotiations/{action}/{nid}` with its arguments."""
    arguments = [
        {"id": "message", "required": False, "required_arguments": []},
        {"id": "send_sms", "required": False, "required_arguments": [{"id": "message"}]},
    ]
    if stage.takes_address:
        arguments.append(
            {"id": "address_id", "required": False, "required_arguments": [{"id": "message"}]}
        )
    return {
        "id": stage.id,
        "name": stage.action_name,
        "enabled": True,
        "hidden": False,
        "method": "PUT",
        "url": f"{base}/negotiations/{stage.id}/{n.id}",
        "resulting_employer_state": employer_state(stage.id),
        "templates": [],
        "arguments": arguments,
    }


def negotiation(
    n: Negotiation, world: World, now: datetime, base: str, *, full: bool = False
) -> dict[str, Any]:
    """An item of a collection; `full` adds what `GET /negotiations/{nid}` shows."""
    resume = world.resumes.get(n.resume_id)
    item: dict[str, Any] = {
        "id": n.id,
        "created_at": hh_time(n.created_at),
        "updated_at": hh_time(n.updated_at),
        "has_updates": n.has_updates,
        "state": state(n.state),
        "employer_state": employer_state(n.employer_state),
        "actions": [action(stage, n, base) for stage in available_actions(n.employer_state)],
        "url": f"{base}/negotiations/{n.id}",
        "messages_url": f"{base}/negotiations/{n.id}/messages",
        "messaging_status": "ok",
        "viewed_by_opponent": n.viewed_by_opponent,
        "resume": resume_short(resume, n, now, base) if resume else None,
        "counters": {
            "messages": len(n.messages),
            "unread_messages": sum(not m.viewed_by_me for m in n.messages),
        },
        "source": n.source,
        "test_result": None,
    }
    if full:
        vacancy = world.vacancy(n.vacancy_id)
        item["vacancy"] = vacancy_short(vacancy, world, base) if vacancy else None
    return item


def collections(v: Vacancy, world: World, base: str) -> dict[str, Any]:
    """`GET /negotiations?vacancy_id=`: a collection per stage, with counters and urls."""
    items = []
    for stage in STAGES:
        members = world.negotiations_of(v.id, stage.id)
        url = f"{base}/negotiations/{stage.id}?vacancy_id={v.id}"
        items.append(
            {
                "id": stage.id,
                "name": stage.collection_name,
                "hidden": False,
                "url": url,
                "counters": {
                    "total": len(members),
                    "with_updates": sum(n.has_updates for n in members),
                },
                "order_types": [
                    {"id": oid, "name": name, "url": f"{url}&order_by={oid}"}
                    for oid, name in ORDER_TYPES
                ],
                "sub_collections": [],
            }
        )
    return {
        "collections": items,
        "generated_collections": [],
        "employer_states": [employer_state(stage.id) for stage in STAGES],
    }


def message(m: Message) -> dict[str, Any]:
    """An item of `/negotiations/{nid}/messages`."""
    return {
        "id": m.id,
        "text": m.text,
        "created_at": hh_time(m.created_at),
        "author": {"participant_type": m.author},
        "state": {"id": m.state, "name": _MESSAGE_STATES[m.state]},
        "viewed_by_me": m.viewed_by_me,
        "viewed_by_opponent": m.viewed_by_opponent,
        "editable": False,
        "address": None,
        "assessments": [],
    }
