"""Search page: semantic search across the workspace's resumes ("python postgres 5 years"),
narrowed by skills, years of experience and vacancy; a result opens the candidate page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import words
from console.navigation import go
from console.state import api_for
from console.vacancy_store import vacancy_page
from console.widgets import pick_and_act
from console.workspace_picker import pick_workspace

add_texts(
    {
        "search": {"en": "Search", "ru": "Поиск"},
        "sr_query": {
            "en": "What are you looking for? (e.g. “python postgres 5 years”)",
            "ru": "Кого ищете? (например, «python postgres 5 лет»)",
        },
        "sr_skills": {
            "en": "Must have these skills (comma-separated)",
            "ru": "Обязательные навыки (через запятую)",
        },
        "sr_years": {"en": "At least, years", "ru": "Опыт от, лет"},
        "sr_vacancy": {"en": "Applied to", "ru": "Откликнулись на"},
        "sr_any_vacancy": {"en": "any vacancy or none", "ru": "любую вакансию или без отклика"},
        "sr_hint": {
            "en": "Type what you need in plain words; skills and years in the query count too.",
            "ru": "Опишите, кто нужен, обычными словами; навыки и годы в запросе тоже учитываются.",
        },
        "sr_none": {
            "en": "Nobody matches. Loosen the filters or describe the person differently.",
            "ru": "Никто не подходит. Ослабьте фильтры или опишите человека иначе.",
        },
        "sr_found": {"en": "Found: {n}", "ru": "Найдено: {n}"},
        "sr_relevance": {"en": "Relevance", "ru": "Релевантность"},
        "sr_years_col": {"en": "Years", "ru": "Опыт, лет"},
        "sr_skills_col": {"en": "Skills", "ru": "Навыки"},
        "sr_file": {"en": "Resume", "ru": "Резюме"},
        "sr_open_which": {"en": "Candidate to open", "ru": "Какого кандидата открыть"},
        "sr_open": {"en": "Open candidate", "ru": "Открыть кандидата"},
    }
)
LIMIT = 50


def search_page() -> None:
    st.title(t("search"))
    chosen = pick_workspace("search_workspace")
    if chosen is None:
        return
    workspace_id = chosen[0]
    query = st.text_input(t("sr_query"), key="sr_query", max_chars=500).strip()
    skills_col, years_col, vacancy_col = st.columns([2, 1, 2])
    typed = skills_col.text_input(t("sr_skills"), key="sr_skills", max_chars=300)
    skills = tuple(s.strip() for s in typed.split(",") if s.strip())
    years = years_col.number_input(t("sr_years"), 0.0, 50.0, 0.0, 0.5, key="sr_years")
    vacancy_id = _vacancy_filter(workspace_id, vacancy_col)
    if not query:
        st.caption(t("sr_hint"))
        return
    try:
        hits = _search(st.session_state["token"], workspace_id, query, skills, years, vacancy_id)
    except ApiFailure as e:
        show_error(e)
        return
    if not hits:
        st.info(t("sr_none"))
        return
    st.caption(t("sr_found").format(n=len(hits)))
    st.dataframe(results_frame(hits), hide_index=True, width="stretch")
    _open(hits)


@st.cache_data(ttl=30, show_spinner=False)
def _search(
    token: str,
    workspace_id: str,
    query: str,
    skills: tuple[str, ...],
    years: float,
    vacancy_id: int | None,
) -> list[dict[str, Any]]:
    return api_for(token).search(
        workspace_id, query, skills=list(skills), min_years=years or None,
        vacancy_id=vacancy_id, limit=LIMIT,
    )  # fmt: skip


def _vacancy_filter(workspace_id: str, column: Any) -> int | None:
    try:
        rows, _ = vacancy_page(st.session_state["token"], workspace_id, None, None, "", 0)
    except ApiFailure:
        rows = []  # the filter is optional: search works without it
    titles: dict[int | None, str] = {None: t("sr_any_vacancy")}
    titles |= {row["id"]: row["title"] for row in rows}
    return column.selectbox(
        t("sr_vacancy"), list(titles), format_func=titles.__getitem__, key="sr_vacancy"
    )


def results_frame(hits: list[dict[str, Any]]) -> pd.DataFrame:
    """The hits as the recruiter reads them, best first."""
    return pd.DataFrame(
        {
            t("name"): [h["full_name"] or "—" for h in hits],
            t("sr_relevance"): [round(h["relevance"], 2) for h in hits],
            t("sr_years_col"): [h["total_years"] for h in hits],
            t("sr_skills_col"): [", ".join(h["skills"][:12]) for h in hits],
            t("flags"): [words(h["flags"]) for h in hits],
            t("sr_file"): [h["file_name"] for h in hits],
        }
    )


def _open(hits: list[dict[str, Any]]) -> None:
    people = {
        h["candidate_id"]: h["full_name"] or h["file_name"] for h in hits if h["candidate_id"]
    }
    if not people:
        return
    candidate_id = pick_and_act(
        t("sr_open_which"), people, key="sr_open_id", action=t("sr_open"), action_key="sr_open"
    )
    if candidate_id is not None:
        go("candidate", candidate=candidate_id)
