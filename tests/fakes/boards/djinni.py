"""Djinni-like pages for the fake boards: listings with pagination and vacancy pages whose
JSON-LD and markup say the same thing (`vacancy_page` renders either part alone)."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True)
class FakeVacancy:
    """One Djinni vacancy, rendered as JSON-LD and as markup from the same values."""

    id: int
    slug: str
    title: str
    company: str
    description_html: str
    skills: tuple[str, ...]
    remote: bool
    city: str | None
    country: str
    employment: str  # schema.org: FULL_TIME, CONTRACTOR, ...
    employment_label: str  # what the page prints: "Full-time", "Contractor"
    published: str  # ISO date or date-time
    salary: tuple[int | None, int | None] | None = None  # USD per month
    jsonld: str | None = "object"  # "object" | "graph" | "array" | None (DOM only)

    @property
    def path(self) -> str:
        return f"/jobs/{self.id}-{self.slug}/"


_DESCRIPTION = (
    "<p>We build <b>payment</b> infrastructure for 40 banks.</p>"
    "<p>What you will do:</p><ul><li>Design Python services</li>"
    "<li>Own PostgreSQL schemas &amp; migrations</li></ul>"
    "<p>Remote-first team, async communication.</p>"
)

VACANCIES: tuple[FakeVacancy, ...] = (
    FakeVacancy(
        101,
        "senior-python-developer",
        "Senior Python Developer",
        "Acme Payments",
        _DESCRIPTION,
        ("Python", "Django", "PostgreSQL"),
        remote=True,
        city=None,
        country="Ukraine",
        employment="FULL_TIME",
        employment_label="Full-time",
        published="2025-03-12T09:30:00+02:00",
        salary=(4000, 5500),
        jsonld="object",
    ),
    FakeVacancy(
        102,
        "data-engineer",
        "Data Engineer",
        "Northwind Analytics",
        "<p>Pipelines on Airflow and dbt.</p><p>Office in Podil, 3 days a week.</p>",
        ("Airflow", "dbt", "SQL"),
        remote=False,
        city="Kyiv",
        country="Ukraine",
        employment="CONTRACTOR",
        employment_label="Contractor",
        published="2025-03-10",
        salary=(3000, None),
        jsonld=None,
    ),
    FakeVacancy(
        103,
        "qa-automation-engineer",
        "QA Automation Engineer",
        "Globex",
        "<p>Playwright and pytest, CI on GitHub Actions.</p>",
        ("Playwright", "pytest"),
        remote=False,
        city="Lviv",
        country="Ukraine",
        employment="FULL_TIME",
        employment_label="Full-time",
        published="2025-03-08T12:00:00+00:00",
        salary=None,
        jsonld="graph",
    ),
    FakeVacancy(
        104,
        "golang-developer",
        "Golang Developer",
        "Initech",
        "<p>gRPC services, Kubernetes.</p>",
        ("Go", "Kubernetes"),
        remote=True,
        city=None,
        country="Ukraine",
        employment="PART_TIME",
        employment_label="Part-time",
        published="2025-03-07",
        salary=(None, 5000),
        jsonld=None,
    ),
    FakeVacancy(
        105,
        "ml-engineer",
        "ML Engineer",
        "Umbrella AI",
        "<p>LLM evaluation pipelines.</p>",
        ("Python", "PyTorch"),
        remote=True,
        city=None,
        country="Ukraine",
        employment="FULL_TIME",
        employment_label="Full-time",
        published="2025-03-05T08:00:00+00:00",
        salary=(6000, 7000),
        jsonld="array",
    ),
)
PER_PAGE = 3


def posting(v: FakeVacancy) -> dict[str, Any]:
    """The schema.org JobPosting Djinni would publish for `v`."""
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": v.title,
        "description": v.description_html,
        "identifier": {"@type": "PropertyValue", "name": v.company, "value": v.id},
        "datePosted": v.published,
        "employmentType": v.employment if v.jsonld != "array" else [v.employment],
        "hiringOrganization": {"@type": "Organization", "name": v.company},
        "skills": ", ".join(v.skills) if v.jsonld == "object" else list(v.skills),
    }
    if v.remote:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": v.country}
    else:
        data["jobLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": v.city,
                "addressCountry": v.country,
            },
        }
    if v.salary:
        low, high = v.salary
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": "MONTH"}
        if low is not None:
            value["minValue"] = low
        if high is not None:
            value["maxValue"] = high
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "USD", "value": value}
    return data


def _jsonld(v: FakeVacancy) -> str:
    data: Any = posting(v)
    shape = v.jsonld or "object"
    if shape == "graph":
        data.pop("@context")
        data = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "Organization", "name": "Djinni", "url": "https://djinni.co"},
                data,
                {"@type": "WebPage", "name": v.title},
            ],
        }
    elif shape == "array":
        data["@type"] = ["JobPosting"]
        data = [{"@type": "BreadcrumbList", "itemListElement": []}, data]
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _salary_label(salary: tuple[int | None, int | None]) -> str:
    low, high = salary
    if low is not None and high is not None:
        return f"${low}-{high}"
    return f"from ${low}" if low is not None else f"up to ${high}"


def _published_label(published: str) -> str:
    if "T" in published:  # Djinni's newer pages: a <time> element
        return f'<time datetime="{published}">{published[:10]}</time>'
    day = date.fromisoformat(published)
    return f"Published {day.day} {day.strftime('%B %Y')}"


def _dom(v: FakeVacancy) -> str:
    salary = (
        f' <span class="public-salary-item">{_salary_label(v.salary)}</span>' if v.salary else ""
    )
    location = f"{v.city}, {v.country}" if v.city else v.country
    facts = ["Full Remote" if v.remote else "Office Work", v.employment_label, "Product"]
    skills = "".join(f'<span class="badge bg-light">{html.escape(s)}</span> ' for s in v.skills)
    facts_html = "".join(
        f'<li class="job-additional-info--item"><div class="job-additional-info--item-text">'
        f"{html.escape(f)}</div></li>"
        for f in facts
    )
    return f"""
<div class="container job-post-page">
  <header class="page-header">
    <h1 class="d-flex align-items-center">
      <span>{html.escape(v.title)}</span>{salary}
    </h1>
    <div class="job-details--title-wrapper">
      <a class="job-details--title" href="/jobs/?company={v.id}">{html.escape(v.company)}</a>
      <span class="location-text">{html.escape(location)}</span>
    </div>
  </header>
  <div class="row">
    <div class="col-sm-8">
      <div class="job-post__description">{v.description_html}</div>
      <p class="job-post__published text-muted">{_published_label(v.published)} · 41 views</p>
    </div>
    <aside class="col-sm-4">
      <ul class="list-unstyled job-additional-info--body">{facts_html}</ul>
      <div class="job-additional-info--skills">{skills}</div>
    </aside>
  </div>
</div>"""


def vacancy_page(v: FakeVacancy, *, jsonld: bool = True, dom: bool = True, apply: str = "") -> str:
    """The vacancy's page with its JSON-LD, its markup, or both (the site serves JSON-LD only
    for vacancies whose `jsonld` is set; a DOM-only vacancy's JSON-LD is a plain object), and
    the account's apply block (djinni_account.py) when the site serves it."""
    head = _jsonld(v) if jsonld else ""
    body = _dom(v) if dom else f"<div id='app'>{html.escape(v.title)} loading…</div>"
    return html_page(f"{v.title} | Djinni", body + apply, head=head)


def listing_page(page: int, query: dict[str, list[str]]) -> str:
    """Listing page `page` (1-based), three vacancies each, with Djinni-like pagination."""
    pages = (len(VACANCIES) + PER_PAGE - 1) // PER_PAGE
    items = VACANCIES[(page - 1) * PER_PAGE : page * PER_PAGE]
    rows = "".join(
        f'<li class="mb-4 job-list__item" id="job-item-{v.id}">'
        f'<h2 class="job-list-item__title"><a class="job-list-item__link" href="{v.path}">'
        f"{html.escape(v.title)}</a></h2>"
        f'<a class="text-body" href="/jobs/?company={v.id}">{html.escape(v.company)}</a>'
        f'<p class="job-list-item__description" style="height:500px">…</p></li>'
        for v in items
    )
    params = {k: vs[0] for k, vs in query.items() if k != "page"}
    links = []
    for n in range(1, pages + 1):
        href = "/jobs/?" + urlencode(params | {"page": n})
        if n == page:
            links.append(f'<li class="page-item active"><span class="page-link">{n}</span></li>')
        else:
            links.append(f'<li class="page-item"><a class="page-link" href="{href}">{n}</a></li>')
    nav = '<nav><a href="/jobs/">Jobs</a> <a href="/my/profile/">Profile</a></nav>'
    body = (
        f'{nav}<ul class="list-unstyled list-jobs">{rows}</ul>'
        f'<ul class="pagination">{"".join(links)}</ul>'
    )
    return html_page("Jobs | Djinni", body)


def html_page(title: str, body: str, *, head: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title>{head}</head><body>{body}</body></html>"
    )
