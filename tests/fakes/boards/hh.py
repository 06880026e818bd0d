"""HH-like employer pages for the fake boards: the login form, a vacancy's responses list
and resume pages, marked with HH's `data-qa` attributes."""

from __future__ import annotations

import html
from dataclasses import dataclass

from tests.fakes.boards.djinni import html_page

RECRUITER_LOGIN = ("recruiter@example.com", "correct horse")
HH_VACANCY_ID = "555"


@dataclass(frozen=True)
class FakeResume:
    """A responder to vacancy 555 and their resume."""

    hash: str
    topic_id: str
    name: str
    title: str
    responded: str  # as HH prints it
    phone: str
    email: str
    telegram: str | None
    experience: str
    skills: tuple[str, ...] = ()


RESUMES: tuple[FakeResume, ...] = (
    FakeResume(
        "0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2",
        "4100001",
        "Иванова Мария Сергеевна",
        "Python-разработчик",
        "12 марта 2025",
        "+7 (916) 555-01-01",
        "maria.ivanova@example.com",
        "maria_dev",
        "Яндекс, Python-разработчик, 2021 — настоящее время. Сервисы платежей.",
        ("Python", "Django", "PostgreSQL"),
    ),
    FakeResume(
        "1f2e3d4c5b6a7988796a5b4c3d2e1f0a9b8c7d",
        "4100002",
        "Петров Алексей",
        "Backend developer",
        "11 марта 2025",
        "+7 (903) 555-02-02",
        "a.petrov@example.com",
        None,
        "Сбер, Backend developer, 2019 — 2024. Микросервисы на Go и Python.",
        ("Go", "Python"),
    ),
    FakeResume(
        "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
        "4100003",
        "Smith John",
        "Senior Python Engineer",
        "10 марта 2025",
        "+7 (999) 555-03-03",
        "john.smith@example.com",
        "jsmith_py",
        "Acme, Senior Python Engineer, 2018 — 2025.",
        ("Python", "AsyncIO"),
    ),
)
RESPONSES_PER_PAGE = 2


def responses_page(page: int) -> str:
    """Page `page` (0-based, as HH counts) of vacancy 555's responses."""
    items = RESUMES[page * RESPONSES_PER_PAGE : (page + 1) * RESPONSES_PER_PAGE]
    rows = "".join(
        f'<div class="resume-serp-item" data-qa="resume-serp__resume" data-resume-id="{r.hash}">'
        f'<a data-qa="serp-item__title" href="/resume/{r.hash}?vacancyId={HH_VACANCY_ID}'
        f'&amp;t={r.topic_id}&amp;hhtmFrom=employer_vacancy_responses">'
        f'<span data-qa="serp-item__title-text">{html.escape(r.title)}</span></a>'
        f'<div data-qa="resume-serp__resume-title">{html.escape(r.title)}</div>'
        f'<span data-qa="resume-serp__resume-fullname">{html.escape(r.name)}</span>'
        f'<span data-qa="resume-serp__resume-response-date">Откликнулся {r.responded}</span>'
        f"</div>"
        for r in items
    )
    more = (page + 1) * RESPONSES_PER_PAGE < len(RESUMES)
    pager = (
        f'<a data-qa="pager-next" href="/employer/vacancyresponses?vacancyId={HH_VACANCY_ID}'
        f'&amp;page={page + 1}">дальше</a>'
        if more
        else ""
    )
    body = f'<div data-qa="resume-serp__results-search">{rows}</div><div>{pager}</div>'
    return html_page("Отклики — hh.ru", body)


def resume_page(r: FakeResume) -> str:
    """The employer's view of a resume, contacts shown (the candidate responded)."""
    telegram = (
        f'<a data-qa="resume-communication-method-telegram" href="https://t.me/{r.telegram}">'
        f'<span data-qa="resume-communication-method-telegram-text">Telegram</span></a>'
        if r.telegram
        else ""
    )
    skills = "".join(f'<span data-qa="bloko-tag__text">{html.escape(s)}</span>' for s in r.skills)
    body = f"""
<div class="resume-header-block">
  <h2 data-qa="resume-personal-name"><span>{html.escape(r.name)}</span></h2>
  <div data-qa="resume-block-contacts">
    <div data-qa="resume-contacts-phone"><span data-qa="resume-contact-phone">{r.phone}</span></div>
    <div data-qa="resume-contact-email"><a href="mailto:{r.email}"><span>{r.email}</span></a></div>
    {telegram}
  </div>
</div>
<div class="resume-block" data-qa="resume-block-position">
  <span data-qa="resume-block-title-position">{html.escape(r.title)}</span>
  <span data-qa="resume-block-salary">250 000 ₽ на руку</span>
</div>
<div class="resume-block" data-qa="resume-block-experience">
  <h2>Опыт работы</h2><div data-qa="resume-block-experience-description">{r.experience}</div>
</div>
<div class="resume-block" data-qa="resume-block-skills-content">Люблю чистый код.</div>
<div class="resume-block"><h2>Навыки</h2><div data-qa="skills-table">{skills}</div></div>
<div class="resume-block" data-qa="resume-block-education"><h2>Образование</h2>МГУ, 2015</div>
"""
    return html_page(f"{r.title} — hh.ru", body)


def login_page() -> str:
    body = """
<form data-qa="account-login-form" method="post" action="/account/login">
  <input data-qa="login-input-username" name="username">
  <input data-qa="login-input-password" name="password" type="password">
  <button data-qa="account-login-submit" type="submit">Войти</button>
</form>"""
    return html_page("Вход — hh.ru", body)
