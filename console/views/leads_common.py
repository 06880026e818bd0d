"""What the lead pages share: the funnel's statuses and the boards' names in both languages,
links between pages that keep the signed-in session, and the small formatters.

A link (not a button) opens a lead or a candidate, so a recruiter can open several in new
tabs; it carries the session and language like `console.navigation.go` does.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from console import session_store
from console.i18n import TEXTS, add_texts, language, t

add_texts(
    {
        "lc_new": {"en": "New", "ru": "Новые"},
        "lc_qualified": {"en": "Qualified", "ru": "Подходят"},
        "lc_responded": {"en": "Responded", "ru": "Отклик отправлен"},
        "lc_replied": {"en": "Replied", "ru": "Ответили"},
        "lc_meeting": {"en": "Meeting", "ru": "Встреча"},
        "lc_won": {"en": "Won", "ru": "Выиграны"},
        "lc_lost": {"en": "Lost", "ru": "Проиграны"},
        "lc_archived": {"en": "Archived", "ru": "В архиве"},
        "lc_src_djinni": {"en": "Djinni", "ru": "Djinni"},
        "lc_src_linkedin": {"en": "LinkedIn", "ru": "LinkedIn"},
        "lc_src_indeed": {"en": "Indeed", "ru": "Indeed"},
        "lc_src_hh": {"en": "HeadHunter", "ru": "HeadHunter"},
        "lc_src_email": {"en": "E-mail", "ru": "Эл. почта"},
        "lc_fit": {"en": "Fit {score}", "ru": "Соответствие {score}"},
        "lc_not_scored": {"en": "not scored yet", "ru": "ещё не оценён"},
        "lc_nobody": {"en": "— nobody —", "ru": "— никто —"},
        "lc_any": {"en": "any", "ru": "любой"},
        "lc_system": {"en": "the product", "ru": "система"},
    }
)
FUNNEL = ("new", "qualified", "responded", "replied", "meeting", "won")
CLOSED = ("lost", "archived")  # behind a toggle on the board; a reason is needed to go there
STATUSES = (*FUNNEL, *CLOSED)
SOURCES = ("djinni", "linkedin", "indeed", "hh")
EDITORS = ("owner", "recruiter")
LEAD_PARAM = "lead_id"  # the lead page's URL parameter
CANDIDATE_PARAM = "candidate"  # the candidate page's (console/views/candidate.py)


def status_label(status: str) -> str:
    return t(f"lc_{status}") if status in STATUSES else status


def source_label(source: str) -> str:
    """A board's (or channel's) name; one the console does not know is shown as it is."""
    key = f"lc_src_{source}"
    return t(key) if key in TEXTS else source


def fit_label(score: int | None) -> str:
    return t("lc_fit").format(score=score) if score is not None else t("lc_not_scored")


def when(value: str | None) -> str:
    """An API timestamp as 'YYYY-MM-DD HH:MM' (UTC as stored), '—' when there is none."""
    return str(value or "")[:16].replace("T", " ") or "—"


def in_language(text: Any) -> str:
    """A text the API gives in both languages ({en, ru}) in the chosen one; a plain string
    as it is."""
    if isinstance(text, dict):
        return str(text.get(language()) or text.get("en") or next(iter(text.values()), ""))
    return str(text or "")


def _target() -> None:
    """Stands for a registered page: a link is matched by URL path only."""


def link(path: str, label: str, *, key_params: dict[str, Any] | None = None, **kw: Any) -> None:
    """A link to the page at `path` (with `key_params` in its URL), keeping the session."""
    kept = {
        name: value
        for name in (session_store.SESSION_PARAM, session_store.LANG_PARAM)
        if (value := st.query_params.get(name))
    }
    params = {name: str(value) for name, value in (key_params or {}).items()}
    st.page_link(
        st.Page(_target, url_path=path), label=label, query_params={**kept, **params}, **kw
    )


def lead_link(lead_id: int, label: str) -> None:
    link("lead", label, key_params={LEAD_PARAM: lead_id})


def candidate_link(candidate_id: int, label: str) -> None:
    link("candidate", label, key_params={CANDIDATE_PARAM: candidate_id}, icon=":material/person:")


def member_names(members: list[dict[str, Any]]) -> dict[int, str]:
    """user id → how the team knows them (full name, else e-mail)."""
    return {m["user_id"]: m.get("full_name") or m["email"] for m in members}
