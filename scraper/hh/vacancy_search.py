"""HeadHunter's public vacancy search as a job board: `GET /vacancies` lists the vacancies of
any employer that match a query, `GET /vacancies/{id}` gives each one's full text.

Public: no account and no token, only the app's `HH-User-Agent`. The requests go through
`HHClient` without a token source, so they share its rate limit (one per HH address, with the
employer's sync), its retries (429 no sooner than `Retry-After`, 5xx with backoff) and its
error kinds. HH lists at most 100 vacancies a page and 2,000 a search (a deeper page is
refused); a search asks no deeper than its limit. A listing item is a summary: the description,
key skills and contacts come with the full vacancy, one request each.

HH may ask an app that searches without a token to pass a captcha (`captcha_required`): that
needs a person, so the search stops with `hh_captcha_required` and the page to open.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from db.settings import Settings
from pipelines.hh_import.html_text import html_to_text
from scraper.browser.models import BoardVacancy, EmploymentType, SalaryPeriod
from scraper.browser.text import clean, parse_datetime, split_skills
from scraper.hh.client import HHClient
from scraper.hh.errors import HHCaptchaRequired, HHError, HHNotFound

log = logging.getLogger(__name__)

SOURCE = "hh"
MAX_PER_PAGE = 100
MAX_DEPTH = 2000  # HH refuses `(page + 1) * per_page` beyond this


def _key(place: str) -> str:
    """A place's name as looked up: trimmed, lower case, single spaces, `ё` as `е`."""
    return re.sub(r"\s+", " ", place.strip().lower().replace("ё", "е"))


# HH's `/areas` ids of the places searched most, by their names (the first one is shown); any
# other place is given by its id.
_PLACES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("113", ("Россия", "Russia")),
    ("1", ("Москва", "Moscow")),
    ("2", ("Санкт-Петербург", "Петербург", "СПб", "Saint Petersburg", "St. Petersburg",
           "St Petersburg")),
    ("3", ("Екатеринбург", "Yekaterinburg")),
    ("4", ("Новосибирск", "Novosibirsk")),
    ("66", ("Нижний Новгород", "Nizhny Novgorod")),
    ("88", ("Казань", "Kazan")),
    ("53", ("Краснодар", "Krasnodar")),
    ("78", ("Самара", "Samara")),
    ("76", ("Ростов-на-Дону", "Rostov-on-Don")),
    ("40", ("Казахстан", "Kazakhstan")),
    ("160", ("Алматы", "Almaty")),
    ("159", ("Астана", "Astana")),
    ("16", ("Беларусь", "Belarus")),
    ("1002", ("Минск", "Minsk")),
    ("5", ("Украина", "Ukraine")),
    ("9", ("Азербайджан", "Azerbaijan")),
    ("28", ("Грузия", "Georgia")),
    ("48", ("Кыргызстан", "Kyrgyzstan")),
    ("97", ("Узбекистан", "Uzbekistan")),
    ("2759", ("Ташкент", "Tashkent")),
)  # fmt: skip
AREAS: dict[str, str] = {_key(name): id_ for id_, names in _PLACES for name in names}
_CURRENCIES = {"RUR": "RUB", "BYR": "BYN"}  # HH's legacy codes; the rest are ISO 4217
_PERIODS: dict[str, SalaryPeriod] = {
    "MONTH": "month", "HOUR": "hour", "SHIFT": "day", "DAY": "day", "WEEK": "week",
    "YEAR": "year", "FLY_IN_FLY_OUT": "month",
}  # fmt: skip
_EMPLOYMENT: dict[str, EmploymentType] = {
    "full": "full_time", "part": "part_time", "project": "contract", "probation": "internship",
    "volunteer": "other", "FULL": "full_time", "PART": "part_time", "PROJECT": "contract",
    "FLY_IN_FLY_OUT": "temporary",
}  # fmt: skip
_ON_SITE_SCHEDULES = {"fullDay", "shift", "flyInFlyOut"}


class HHAreaUnknown(HHError):
    """A search's location is neither an HH area id nor a place this module knows."""

    code = "hh_area_unknown"


def area_id(location: str | None) -> str | None:
    """HH's area id for a search's location: None for none, digits as they are, a known place
    by its Russian or English name (any case, `ё` as `е`); `HHAreaUnknown` otherwise."""
    text = _key(location or "")
    if not text:
        return None
    if text.isdigit():
        return text
    if text in AREAS:
        return AREAS[text]
    known = ", ".join(names[0] for _, names in _PLACES)
    raise HHAreaUnknown(
        f"'{location}' is not an HH area: give its id from HH's /areas or one of {known} "
        "(in Russian or English)"
    )


class HHVacancySearch:
    """`BoardSource` over HH's public search; `per_page` (at most 100) only matters to tests
    and to searches for a few vacancies."""

    def __init__(self, settings: Settings, *, per_page: int = MAX_PER_PAGE) -> None:
        self.settings = settings
        self.per_page = max(1, min(per_page, MAX_PER_PAGE))

    async def search(self, query: str, location: str | None, limit: int) -> list[BoardVacancy]:
        """Up to `limit` vacancies matching `query` in `location` (see `area_id`)."""
        return [v async for page in self.pages(query, location, limit) for v in page]

    async def pages(
        self, query: str, location: str | None, limit: int
    ) -> AsyncIterator[list[BoardVacancy]]:
        """The finds a listing page at a time, each with its full details, so a caller keeps
        what was read when HH stops the search halfway (a captcha, a refusal)."""
        area = area_id(location)
        wanted = min(limit, MAX_DEPTH)
        per_page = min(self.per_page, max(wanted, 1))
        page = seen = 0
        async with HHClient(self.settings, None) as client:
            while seen < wanted and (page + 1) * per_page <= MAX_DEPTH:
                params: dict[str, Any] = {"text": query, "page": page, "per_page": per_page}
                if area is not None:
                    params["area"] = area
                body = await _asked(client, "/vacancies", params)
                items = [i for i in body.get("items", []) if isinstance(i, dict)][: wanted - seen]
                found = [v for v in [await _details(client, item) for item in items] if v]
                seen += len(items)
                yield found
                page += 1
                if not items or page >= int(body.get("pages") or 0):
                    return


async def _asked(client: HHClient, path: str, params: dict[str, Any] | None = None) -> Any:
    """HH's answer; a captcha is re-raised with the page a person opens to pass it."""
    try:
        return await client.request("GET", path, params=params)
    except HHCaptchaRequired as e:
        where = e.captcha_url or e.fallback_url
        raise HHCaptchaRequired(
            f"HH asks a person to pass a captcha before searching again: open {where}",
            captcha_url=e.captcha_url, fallback_url=e.fallback_url,
        ) from e  # fmt: skip


async def _details(client: HHClient, item: dict[str, Any]) -> BoardVacancy | None:
    """The full vacancy of a listing item; None when it was removed or archived meanwhile."""
    vacancy_id = str(item.get("id") or "")
    if not vacancy_id.isdigit():
        return None
    try:
        body = await _asked(client, f"/vacancies/{vacancy_id}")
    except HHNotFound:
        log.info("hh: vacancy %s was removed after the search listed it", vacancy_id)
        return None
    if not isinstance(body, dict) or body.get("archived") is True:
        return None
    return vacancy_of(body)


def vacancy_of(body: dict[str, Any]) -> BoardVacancy | None:
    """HH's full vacancy (`GET /vacancies/{id}`) as a board vacancy; None without a name."""
    title = clean(body.get("name"))
    vacancy_id = clean(str(body.get("id") or ""))
    if not title or not vacancy_id:
        return None
    salary = body.get("salary_range") or body.get("salary") or {}
    currency = clean(salary.get("currency"))
    has_salary = salary.get("from") is not None or salary.get("to") is not None
    mode = (salary.get("mode") or {}).get("id")
    contacts = body.get("contacts") or {}
    area = body.get("area") or {}
    return BoardVacancy(
        source=SOURCE,
        external_id=vacancy_id,
        url=clean(body.get("alternate_url")) or f"https://hh.ru/vacancy/{vacancy_id}",
        title=title,
        company=clean((body.get("employer") or {}).get("name")),
        location=clean(area.get("name")),
        description=html_to_text(body.get("description") or ""),
        salary_min=_number(salary.get("from")),
        salary_max=_number(salary.get("to")),
        salary_currency=_CURRENCIES.get(currency or "", currency) if has_salary else None,
        salary_period=_PERIODS.get(mode or "MONTH") if has_salary else None,
        employment_type=_employment(body),
        remote=_remote(body),
        published_at=parse_datetime(body.get("published_at")),
        skills=split_skills([s.get("name") for s in body.get("key_skills") or []]),
        contact_name=clean(contacts.get("name")),
        contact_email=clean(contacts.get("email")),
        contact_phone=_phone(contacts.get("phones") or []),
        details=_details_of(body, salary if has_salary else None),
    )


def _named(value: Any) -> str | None:
    return clean(value.get("name")) if isinstance(value, dict) else None


def _details_of(body: dict[str, Any], salary: dict[str, Any] | None) -> dict[str, Any]:
    """What only HH says, as the lead keeps it: the area (its id for a new search), the terms
    in HH's words, whether the salary is before tax, where a person applies."""
    area = body.get("area") or {}
    details: dict[str, Any] = {
        "area": {"id": str(area.get("id")), "name": area.get("name")} if area else None,
        "schedule": _named(body.get("schedule")),
        "employment": _named(body.get("employment")),
        "experience": _named(body.get("experience")),
        "salary_gross": salary.get("gross") if salary else None,
        "employer_id": (body.get("employer") or {}).get("id"),
        "apply_url": body.get("apply_alternate_url"),
        "professional_roles": [r["name"] for r in body.get("professional_roles") or []
                               if isinstance(r, dict) and r.get("name")],
        "work_format": [f["name"] for f in body.get("work_format") or []
                        if isinstance(f, dict) and f.get("name")],
    }  # fmt: skip
    return {key: value for key, value in details.items() if value not in (None, [])}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _employment(body: dict[str, Any]) -> EmploymentType | None:
    forms = body.get("employment_form") or body.get("employment") or {}
    return _EMPLOYMENT.get(forms.get("id", "")) if isinstance(forms, dict) else None


def _remote(body: dict[str, Any]) -> bool | None:
    """Remote when HH says so (schedule `remote` or the `REMOTE` work format), on site when
    the terms need a place (a full day, shifts, the only work format on site)."""
    schedule = (body.get("schedule") or {}).get("id")
    formats = {f.get("id") for f in body.get("work_format") or [] if isinstance(f, dict)}
    if schedule == "remote" or "REMOTE" in formats:
        return True
    if formats == {"ON_SITE"} or (not formats and schedule in _ON_SITE_SCHEDULES):
        return False
    return None


def _phone(phones: list[Any]) -> str | None:
    """The first phone as HH formats it, or built from its parts (`+7 (985) 000-00-00`)."""
    for phone in phones:
        if not isinstance(phone, dict):
            continue
        if formatted := clean(phone.get("formatted")):
            return formatted
        country, city, number = (clean(phone.get(k)) for k in ("country", "city", "number"))
        if number:
            return " ".join(p for p in (f"+{country}" if country else None,
                                        f"({city})" if city else None, number) if p)  # fmt: skip
    return None
