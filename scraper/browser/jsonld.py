"""schema.org `JobPosting` from a page's JSON-LD, as a `BoardVacancy`.

Boards publish JSON-LD for search engines, so it is steadier than their CSS classes and
carries typed values (ISO dates, numeric salaries, `TELECOMMUTE`); scrapers read it first and
fall back to the DOM. Handles one object per script, arrays of objects, `@graph` containers,
`@type` given as a list, and descriptions in (sometimes double-escaped) HTML.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from lxml.etree import _Element

from scraper.browser.models import BoardVacancy
from scraper.browser.text import (
    clean,
    employment_type,
    fragment_text,
    number,
    parse_datetime,
    salary_period,
    split_skills,
)

log = logging.getLogger(__name__)


def job_postings(doc: _Element) -> list[dict[str, Any]]:
    """Every `JobPosting` object in the document's `<script type="application/ld+json">`."""
    found: list[dict[str, Any]] = []
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip().rstrip(";")
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)  # raw newlines inside strings are common
        except ValueError as e:
            log.debug("unreadable JSON-LD skipped: %s", e)
            continue
        found.extend(_postings(data))
    return found


def _postings(node: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _postings(item)
    elif isinstance(node, dict):
        types = node.get("@type")
        if "JobPosting" in (types if isinstance(types, list) else [types]):
            yield node
        if "@graph" in node:
            yield from _postings(node["@graph"])


def posting_to_vacancy(
    posting: dict[str, Any], *, source: str, url: str, external_id: str | None = None
) -> BoardVacancy | None:
    """The vacancy a `JobPosting` describes, or None when it has no title. `external_id`
    (the board's id from the URL) wins over the posting's `identifier`, so the JSON-LD and the
    DOM path name a vacancy alike."""
    title = clean(posting.get("title")) or clean(posting.get("name"))
    if not title:
        return None
    low, high, currency, period = _salary(
        posting.get("baseSalary") or posting.get("estimatedSalary")
    )
    description = posting.get("description")
    return BoardVacancy(
        source=source,
        external_id=external_id or _identifier(posting.get("identifier")) or url,
        url=clean(posting.get("url")) or url,
        title=title,
        company=_name(posting.get("hiringOrganization")),
        location=_location(posting),
        description=fragment_text(description) if isinstance(description, str) else "",
        salary_min=low,
        salary_max=high,
        salary_currency=currency,
        salary_period=period,
        employment_type=employment_type(posting.get("employmentType")),
        remote=_remote(posting),
        published_at=parse_datetime(posting.get("datePosted")),
        skills=_skills(posting.get("skills")),
    )


def _identifier(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, int):
        return str(value)
    return clean(value)


def _name(value: object) -> str | None:
    if isinstance(value, dict):
        return clean(value.get("name"))
    return clean(value)


def _salary(value: object) -> tuple[float | None, float | None, str | None, Any]:
    """(min, max, currency, period) of a `MonetaryAmount` whose `value` is a number or a
    `QuantitativeValue` with `value` or `minValue`/`maxValue`."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, dict):
        return None, None, None, None
    currency = clean(value.get("currency"))
    amount = value.get("value")
    if isinstance(amount, dict):
        exact = number(amount.get("value"))
        low = number(amount.get("minValue"))
        high = number(amount.get("maxValue"))
        if exact is not None and low is None and high is None:
            low = high = exact
        period = salary_period(amount.get("unitText"))
    else:
        low = high = number(amount)
        period = salary_period(value.get("unitText"))
    return low, high, currency.upper() if currency else None, period


def _location(posting: dict[str, Any]) -> str | None:
    """ "Locality, Region, Country" of each place, places joined by "; "; for remote work
    without a place, the countries applicants must be in."""
    places = posting.get("jobLocation")
    names = [_place(p) for p in (places if isinstance(places, list) else [places])]
    names = [n for n in names if n]
    if not names:
        required = posting.get("applicantLocationRequirements")
        items = required if isinstance(required, list) else [required]
        names = [n for n in (_name(r) for r in items) if n]
    return "; ".join(dict.fromkeys(names)) or None


def _place(place: object) -> str | None:
    if not isinstance(place, dict):
        return clean(place)
    address = place.get("address")
    if not isinstance(address, dict):
        return clean(address) or clean(place.get("name"))
    parts = [
        clean(address.get("addressLocality")),
        clean(address.get("addressRegion")),
        _name(address.get("addressCountry")),
    ]
    return ", ".join(dict.fromkeys(p for p in parts if p)) or None


def _remote(posting: dict[str, Any]) -> bool | None:
    kind = posting.get("jobLocationType")
    kinds = kind if isinstance(kind, list) else [kind]
    if any(isinstance(k, str) and k.upper() == "TELECOMMUTE" for k in kinds):
        return True
    return False if posting.get("jobLocation") else None


def _skills(value: object) -> tuple[str, ...]:
    """`skills` as text, a list of texts, or a list of `DefinedTerm`s with a `name`."""
    items = value if isinstance(value, list) else [value]
    return split_skills([_name(item) for item in items if item])
