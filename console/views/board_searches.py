"""Job boards' saved searches, a section of the Integrations page: the workspace's searches on
Djinni, LinkedIn, Indeed and HeadHunter's public search with how each last ran, adding one,
running one now, turning its schedule on or off and deleting it (recruiters), and the latest
leads they found.

The section renders inside the page's expander, so it opens no expander of its own.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.state import client
from console.widgets import call_then_rerun

add_texts(
    {
        "bs_title": {"en": "Job boards: saved searches", "ru": "Площадки: сохранённые поиски"},
        "bs_help": {
            "en": "Searches on Djinni, LinkedIn, Indeed and HeadHunter run every six hours (or "
            "now); the vacancies they find become leads, refreshed on each run with their "
            "status kept.",
            "ru": "Поиски на Djinni, LinkedIn, Indeed и HeadHunter выполняются каждые шесть "
            "часов (или сейчас); найденные вакансии становятся лидами и обновляются при каждом "
            "запуске, сохраняя свой статус.",
        },
        "bs_none": {"en": "No saved searches yet.", "ru": "Сохранённых поисков пока нет."},
        "bs_board": {"en": "Board", "ru": "Площадка"},
        "bs_query": {"en": "Search", "ru": "Запрос"},
        "bs_location": {"en": "Location", "ru": "Место"},
        "bs_max": {"en": "At most", "ru": "Не больше"},
        "bs_enabled": {"en": "Scheduled", "ru": "По расписанию"},
        "bs_last_run": {"en": "Last run", "ru": "Последний запуск"},
        "bs_found": {"en": "Found", "ru": "Найдено"},
        "bs_new": {"en": "New", "ru": "Новых"},
        "bs_error": {"en": "Error", "ru": "Ошибка"},
        "bs_pick": {"en": "Search", "ru": "Поиск"},
        "bs_run": {"en": "Run now", "ru": "Запустить"},
        "bs_ran": {
            "en": "The search has started; refresh to see what it found.",
            "ru": "Поиск запущен; обновите, чтобы увидеть найденное.",
        },
        "bs_enable": {"en": "Schedule it", "ru": "Включить расписание"},
        "bs_disable": {"en": "Stop its schedule", "ru": "Выключить расписание"},
        "bs_delete": {"en": "Delete", "ru": "Удалить"},
        "bs_add": {"en": "Save the search", "ru": "Сохранить поиск"},
        "bs_added": {"en": "Search saved.", "ru": "Поиск сохранён."},
        "bs_location_help": {
            "en": "Optional, in the board's own terms (Djinni: a city slug such as kyiv; "
            "HeadHunter: a region such as Москва, Россия, Казахстан, or its HH id such as 1).",
            "ru": "Необязательно, в терминах площадки (Djinni: город латиницей, например kyiv; "
            "HeadHunter: регион, например Москва, Россия, Казахстан, или его id на HH, "
            "например 1).",
        },
        "bs_leads": {"en": "Latest leads found", "ru": "Последние найденные лиды"},
        "bs_no_leads": {"en": "No leads found yet.", "ru": "Лидов пока нет."},
        "bs_title_col": {"en": "Vacancy", "ru": "Вакансия"},
        "bs_company": {"en": "Company", "ru": "Компания"},
        "bs_link": {"en": "Link", "ru": "Ссылка"},
        "bs_status": {"en": "Status", "ru": "Статус"},
    }
)
NOTICE = "bs_notice"
BOARDS = {
    "djinni": "Djinni",
    "linkedin": "LinkedIn",
    "indeed": "Indeed",
    "hh": "HeadHunter (public search)",
}


def board_searches_section(workspace_id: str, role: str) -> None:
    """The workspace's saved board searches and their leads, with what `role` may do."""
    st.caption(t("bs_help"))
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    try:
        searches = client().board_searches(workspace_id)
        leads = client().board_leads(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    editor = role in ("owner", "recruiter")
    _searches(searches)
    if editor and searches:
        _controls(workspace_id, searches)
    if editor:
        _add_form(workspace_id)
    _leads(leads)


def _when(value: str | None) -> str:
    return str(value or "")[:16].replace("T", " ") or "—"


def _searches(searches: list[dict[str, Any]]) -> None:
    if not searches:
        st.info(t("bs_none"))
        return
    frame = pd.DataFrame(
        {
            t("bs_board"): [BOARDS.get(s["board"], s["board"]) for s in searches],
            t("bs_query"): [s["query"] for s in searches],
            t("bs_location"): [s["location"] or "" for s in searches],
            t("bs_enabled"): [s["enabled"] for s in searches],
            t("bs_last_run"): [_when(s["last_run_at"]) for s in searches],
            t("bs_found"): pd.array([s["last_found"] for s in searches], dtype="Int64"),
            t("bs_new"): pd.array(
                [(s["last_run"] or {}).get("new") for s in searches], dtype="Int64"
            ),
            t("bs_error"): [s["last_error"] or "" for s in searches],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _controls(workspace_id: str, searches: list[dict[str, Any]]) -> None:
    names = {s["id"]: f"{BOARDS.get(s['board'], s['board'])}: {s['query']}"
             + (f" ({s['location']})" if s["location"] else "") for s in searches}  # fmt: skip
    search_id = st.selectbox(t("bs_pick"), list(names), format_func=names.__getitem__,
                             key="bs_pick")  # fmt: skip
    chosen = next(s for s in searches if s["id"] == search_id)
    run, toggle, delete = st.columns(3)
    if run.button(t("bs_run"), key="bs_run"):
        _act(lambda: client().board_search_run(workspace_id, search_id), t("bs_ran"))
    label = t("bs_disable") if chosen["enabled"] else t("bs_enable")
    if toggle.button(label, key="bs_toggle"):
        _act(lambda: client().board_search_enable(workspace_id, search_id, not chosen["enabled"]))
    if delete.button(t("bs_delete"), key="bs_delete"):
        _act(lambda: client().board_search_delete(workspace_id, search_id))


def _add_form(workspace_id: str) -> None:
    with st.form("bs_add_form", clear_on_submit=True):
        board, query = st.columns([1, 3])
        chosen = board.selectbox(t("bs_board"), list(BOARDS), format_func=BOARDS.__getitem__,
                                 key="bs_new_board")  # fmt: skip
        text = query.text_input(t("bs_query"), max_chars=200, key="bs_new_query")
        where, most = st.columns([3, 1])
        location = where.text_input(t("bs_location"), max_chars=200, key="bs_new_location",
                                    help=t("bs_location_help"))  # fmt: skip
        limit = most.number_input(t("bs_max"), min_value=1, max_value=500, value=50,
                                  key="bs_new_max")  # fmt: skip
        if st.form_submit_button(t("bs_add")) and text.strip():
            _act(lambda: client().board_search_add(workspace_id, chosen, text.strip(),
                                                   location.strip() or None, int(limit)),
                 t("bs_added"))  # fmt: skip


def _leads(leads: list[dict[str, Any]]) -> None:
    st.subheader(t("bs_leads"))
    if not leads:
        st.caption(t("bs_no_leads"))
        return
    frame = pd.DataFrame(
        {
            "title": [lead["title"] for lead in leads],
            "company": [lead["company"] or "" for lead in leads],
            "board": [BOARDS.get(lead["source"], lead["source"]) for lead in leads],
            "status": [lead["status"] for lead in leads],
            "url": [lead["url"] or "" for lead in leads],
        }
    )
    config = {
        "title": st.column_config.TextColumn(t("bs_title_col")),
        "company": st.column_config.TextColumn(t("bs_company")),
        "board": st.column_config.TextColumn(t("bs_board")),
        "status": st.column_config.TextColumn(t("bs_status")),
        "url": st.column_config.LinkColumn(t("bs_link")),
    }
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


def _act(call: Any, notice: str | None = None) -> None:
    call_then_rerun(call, NOTICE, notice)
