"""What the vacancy pages share: the cached page of the list, which vacancy the URL opens,
and the words for sources and languages."""

from __future__ import annotations

from typing import Any

import streamlit as st

from console import analytics
from console.i18n import add_texts
from console.state import api_for

add_texts(
    {
        "vac_description": {"en": "Vacancy text", "ru": "Текст вакансии"},
        "src_manual": {"en": "typed in", "ru": "вручную"},
        "src_upload": {"en": "file", "ru": "файл"},
        "src_hh": {"en": "HeadHunter", "ru": "HeadHunter"},
        "src_djinni": {"en": "Djinni", "ru": "Djinni"},
        "src_board": {"en": "job board", "ru": "площадка"},
        "src_hh_search": {"en": "HeadHunter search", "ru": "Поиск HeadHunter"},
        "src_api": {"en": "API", "ru": "API"},
        "src_telegram": {"en": "Telegram", "ru": "Telegram"},
        "src_demo": {"en": "demo", "ru": "демо"},
        "lang_ru": {"en": "Russian", "ru": "русский"},
        "lang_en": {"en": "English", "ru": "английский"},
    }
)
PAGE_SIZE = 25
SOURCES = ("manual", "upload", "hh", "djinni", "board", "api")
OPEN_PARAM = "vacancy"  # URL parameter naming the opened vacancy


@st.cache_data(ttl=10, show_spinner=False)
def vacancy_page(
    token: str, workspace_id: str, status: str | None, source: str | None, query: str, page: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of the list (cached briefly per user and filters) and the total matching."""
    return api_for(token).vacancy_page(
        workspace_id, status=status, source=source, query=query or None,
        limit=PAGE_SIZE, offset=page * PAGE_SIZE,
    )  # fmt: skip


def forget_lists(workspace_id: str) -> None:
    """After a write: the next run reads the list (and the dashboard's figures) afresh."""
    vacancy_page.clear()
    analytics.forget(workspace_id)


def opened_vacancy() -> int | None:
    """The vacancy the URL opens, if any."""
    value = st.query_params.get(OPEN_PARAM)
    return int(value) if value and value.isdigit() else None


def open_vacancy(vacancy_id: int | None) -> None:
    """Show one vacancy (or the list again for None) on the next run."""
    if vacancy_id is None:
        st.query_params.pop(OPEN_PARAM, None)
    else:
        st.query_params[OPEN_PARAM] = str(vacancy_id)
