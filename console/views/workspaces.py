"""Workspaces page: the user's workspaces and, for the chosen one, vacancies and candidates."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import TEXTS, t
from console.state import client
from console.workspace_picker import pick_workspace


@st.cache_data(ttl=15, show_spinner=False)
def _load(token: str, kind: str, workspace_id: str) -> list[dict[str, Any]]:
    """API lists cached briefly per user, so widget clicks do not refetch everything."""
    api = client()
    if kind == "vacancies":
        return api.vacancies(workspace_id)
    if kind == "candidates":
        return api.candidates(workspace_id)
    return api.members(workspace_id)


def workspaces_page() -> None:
    """List workspaces; show the selected one's vacancies, candidates and team."""
    st.title(t("workspaces"))
    chosen_role = pick_workspace("workspace_select")
    if chosen_role is None:
        return
    chosen, _ = chosen_role
    token = st.session_state["token"]
    try:
        vacancy_rows = _load(token, "vacancies", chosen)
        candidate_rows = _load(token, "candidates", chosen)
        member_rows = _load(token, "members", chosen)
    except ApiFailure as e:
        show_error(e)
        return
    st.subheader(f"{t('vacancies')} · {len(vacancy_rows)}")
    _table(
        vacancy_rows,
        {"title": "title", "status": "status", "language": "language", "location": "location",
         "applications": "applications", "created_at": "created"},
        empty="no_vacancies",
    )  # fmt: skip
    if vacancy_rows:
        _ranking(token, chosen, vacancy_rows)
    st.subheader(f"{t('candidates')} · {len(candidate_rows)}")
    _table(
        candidate_rows,
        {"full_name": "name", "email": "email", "phone": "phone", "telegram_username": "telegram"},
        empty="no_candidates",
    )
    st.subheader(t("members"))
    _table(
        member_rows,
        {"full_name": "name", "email": "email", "role": "member_role"},
        empty="members",
    )


@st.cache_data(ttl=15, show_spinner=False)
def _load_ranking(token: str, workspace_id: str, vacancy_id: int) -> list[dict[str, Any]]:
    return client().ranking(workspace_id, vacancy_id)


def _ranking(token: str, workspace_id: str, vacancy_rows: list[dict[str, Any]]) -> None:
    """The chosen vacancy's candidates, best first, with reasons and flags."""
    st.subheader(t("ranking"))
    titles = {v["id"]: v["title"] for v in vacancy_rows}
    vacancy_id = st.selectbox(
        t("vacancy"), list(titles), format_func=titles.__getitem__, key="ranking_vacancy"
    )
    try:
        rows = _load_ranking(token, workspace_id, vacancy_id)
    except ApiFailure as e:
        show_error(e)
        return
    for row in rows:
        for column in ("matched", "missing", "flags"):
            row[column] = ", ".join(t(x) if x in TEXTS else str(x) for x in row[column] or [])
    _table(
        rows,
        {"rank": "rank", "full_name": "name", "score": "score",
         "recommendation": "recommendation", "matched": "matched", "missing": "missing",
         "flags": "flags"},
        empty="no_ranking",
    )  # fmt: skip


# Columns whose values are words to translate, and columns holding timestamps.
_TRANSLATED = {"status", "role", "recommendation"}
_DATES = {"created_at"}


def _table(rows: list[dict[str, Any]], columns: dict[str, str], *, empty: str) -> None:
    if not rows:
        st.info(t(empty))
        return
    frame = pd.DataFrame(rows)[list(columns)]
    for column in _TRANSLATED & set(columns):
        frame[column] = frame[column].map(lambda v: t(v) if v in TEXTS else v)
    for column in _DATES & set(columns):
        frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d %H:%M")
    frame = frame.fillna("—").rename(columns={k: t(v) for k, v in columns.items()})
    st.dataframe(frame, hide_index=True, width="stretch")
