"""Leads page: the workspace's leads as a board (one column per funnel status, lost and
archived behind a toggle), as a filtered table, or as the report with charts; and the button
that analyses, scores and drafts for every lead still waiting.

A lead opens on its own page (`lead?lead_id=ID`, console/views/lead_detail.py); the board's
cards are links to it, the table has a picker. The filters (board, owner, score, words) apply
to the board and the table alike; the status filter only to the table, whose rows are not
already sorted into columns.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import plain
from console.navigation import go
from console.state import client
from console.views.leads_common import (
    CLOSED,
    EDITORS,
    FUNNEL,
    LEAD_PARAM,
    SOURCES,
    STATUSES,
    fit_label,
    lead_link,
    link,
    member_names,
    source_label,
    status_label,
    when,
)
from console.views.leads_report import leads_report_section
from console.widgets import call_then_rerun, pick_and_act
from console.workspace_picker import pick_workspace

add_texts(
    {
        "leads": {"en": "Leads", "ru": "Лиды"},
        "lb_view": {"en": "View", "ru": "Вид"},
        "lb_view_board": {"en": "Board", "ru": "Доска"},
        "lb_view_table": {"en": "Table", "ru": "Таблица"},
        "lb_view_report": {"en": "Report", "ru": "Отчёт"},
        "lb_process": {"en": "Process waiting leads", "ru": "Обработать ожидающие лиды"},
        "lb_processing": {
            "en": "Processing started: the waiting leads are analysed, scored and drafted for. "
            "Refresh in a moment.",
            "ru": "Обработка запущена: ожидающие лиды анализируются, оцениваются, для них "
            "готовятся отклики. Обновите страницу чуть позже.",
        },
        "lb_settings": {"en": "Lead-gen settings", "ru": "Настройки лидогенерации"},
        "lb_closed": {"en": "Show lost and archived", "ru": "Показать проигранные и архив"},
        "lb_status": {"en": "Status", "ru": "Статус"},
        "lb_source": {"en": "Board", "ru": "Площадка"},
        "lb_min_score": {"en": "Fit from", "ru": "Соответствие от"},
        "lb_owner": {"en": "Owner", "ru": "Ответственный"},
        "lb_search": {"en": "Title or company", "ru": "Название или компания"},
        "lb_empty": {
            "en": "No leads yet. Save a job-board search on the Integrations page: the "
            "vacancies it finds become leads here.",
            "ru": "Лидов пока нет. Сохраните поиск по площадке на странице «Интеграции»: "
            "найденные вакансии появятся здесь как лиды.",
        },
        "lb_none_match": {"en": "No leads match the filters.", "ru": "Нет лидов под фильтры."},
        "lb_column_empty": {"en": "—", "ru": "—"},
        "lb_more": {
            "en": "{n} more: see the table view.",
            "ru": "Ещё {n}: смотрите в виде таблицы.",
        },
        "lb_best": {"en": "Best match: {name} ({score})", "ru": "Лучше всех: {name} ({score})"},
        "lb_title_col": {"en": "Vacancy", "ru": "Вакансия"},
        "lb_company": {"en": "Company", "ru": "Компания"},
        "lb_fit": {"en": "Fit", "ru": "Соответствие"},
        "lb_match": {"en": "Best match", "ru": "Лучший кандидат"},
        "lb_quality": {"en": "Quality", "ru": "Качество"},
        "lb_found": {"en": "Found", "ru": "Найден"},
        "lb_link": {"en": "On the board", "ru": "На площадке"},
        "lb_open_which": {"en": "Lead to open", "ru": "Какой лид открыть"},
        "lb_open": {"en": "Open lead", "ru": "Открыть лид"},
    }
)
NOTICE = "lb_notice"
VIEWS = ("board", "table", "report")
MAX_CARDS = 30  # per column; the table shows every lead
FETCHED = 500  # the API's largest page


def leads_page() -> None:
    """Workspace, the view switch, then the board, the table or the report."""
    st.title(t("leads"))
    chosen = pick_workspace("leads_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    views = {view: t(f"lb_view_{view}") for view in VIEWS}
    view, actions = st.columns([3, 2], vertical_alignment="bottom")
    with view:
        shown = st.segmented_control(t("lb_view"), list(views), format_func=views.__getitem__,
                                     default="board", required=True, key="lb_view")  # fmt: skip
    with actions:
        if role in EDITORS and st.button(t("lb_process"), key="lb_process",
                                         icon=":material/play_arrow:"):  # fmt: skip
            call_then_rerun(lambda: client().process_leads(workspace_id), NOTICE,
                            t("lb_processing"))  # fmt: skip
        link("leads_settings", t("lb_settings"), icon=":material/tune:")
    if shown == "report":
        leads_report_section(workspace_id)
        return
    try:
        members = member_names(client().members(workspace_id))
    except ApiFailure as e:
        show_error(e)
        return
    filters = _filters(members, with_status=shown == "table")
    try:
        rows = client().leads(workspace_id, limit=FETCHED, **filters)
    except ApiFailure as e:
        show_error(e)
        return
    if not rows:
        st.info(t("lb_none_match") if any(filters.values()) else t("lb_empty"))
        return
    if shown == "board":
        _board(rows)
    else:
        _table(rows, members)


def _filters(members: dict[int, str], *, with_status: bool) -> dict[str, Any]:
    """The chosen filters as the API's query parameters (None where nothing is chosen)."""
    cells = st.columns(5 if with_status else 4)
    if with_status:
        statuses = {None: t("lc_any"), **{s: status_label(s) for s in STATUSES}}
        status = cells.pop(0).selectbox(
            t("lb_status"), list(statuses), format_func=statuses.__getitem__, key="lb_status"
        )
    else:
        status = None
    sources = {None: t("lc_any"), **{s: source_label(s) for s in SOURCES}}
    source = cells[0].selectbox(t("lb_source"), list(sources), format_func=sources.__getitem__,
                                key="lb_source")  # fmt: skip
    owners = {None: t("lc_any"), **members}
    owner = cells[1].selectbox(t("lb_owner"), list(owners), format_func=owners.__getitem__,
                               key="lb_owner")  # fmt: skip
    score = cells[2].number_input(t("lb_min_score"), min_value=0, max_value=100, value=0,
                                  step=5, key="lb_min_score")  # fmt: skip
    words = cells[3].text_input(t("lb_search"), max_chars=200, key="lb_q")
    return {
        "status": status, "source": source, "owner_user_id": owner,
        "min_score": int(score) or None, "q": words.strip() or None,
    }  # fmt: skip


def _board(rows: list[dict[str, Any]]) -> None:
    """One column per funnel status; lost and archived in a second row when asked for."""
    closed = st.toggle(t("lb_closed"), key="lb_closed")
    _columns(FUNNEL, rows)
    if closed:
        _columns(CLOSED, rows, width=len(FUNNEL))


def _columns(statuses: tuple[str, ...], rows: list[dict[str, Any]], width: int = 0) -> None:
    cells = st.columns(width or len(statuses))
    for cell, status in zip(cells, statuses, strict=False):
        mine = [row for row in rows if row["status"] == status]
        with cell:
            st.markdown(f"**{status_label(status)}** · {len(mine)}")
            for lead in mine[:MAX_CARDS]:
                _card(lead)
            if len(mine) > MAX_CARDS:
                st.caption(t("lb_more").format(n=len(mine) - MAX_CARDS))


def _card(lead: dict[str, Any]) -> None:
    with st.container(border=True):
        lead_link(lead["id"], plain(lead["title"]))
        st.caption(" · ".join(filter(None, (lead["company"], source_label(lead["source"])))))
        st.markdown(f"**{fit_label(lead['fit_score'])}**")
        if best := lead.get("best_match"):
            name = best.get("name") or best.get("full_name") or "?"
            st.caption(t("lb_best").format(name=plain(name), score=best.get("score", "—")))


def _table(rows: list[dict[str, Any]], members: dict[int, str]) -> None:
    frame = pd.DataFrame(
        {
            "title": [row["title"] for row in rows],
            "company": [row["company"] or "" for row in rows],
            "source": [source_label(row["source"]) for row in rows],
            "status": [status_label(row["status"]) for row in rows],
            "fit": pd.array([row["fit_score"] for row in rows], dtype="Int64"),
            "match": [(row.get("best_match") or {}).get("name") or "" for row in rows],
            "owner": [members.get(row["owner_user_id"], "") for row in rows],
            "quality": pd.array([row["quality"] for row in rows], dtype="Int64"),
            "found": [when(row["created_at"]) for row in rows],
            "url": [row["url"] or "" for row in rows],
        }
    )
    config = {
        "title": st.column_config.TextColumn(t("lb_title_col")),
        "company": st.column_config.TextColumn(t("lb_company")),
        "source": st.column_config.TextColumn(t("lb_source")),
        "status": st.column_config.TextColumn(t("lb_status")),
        "fit": st.column_config.ProgressColumn(
            t("lb_fit"), min_value=0, max_value=100, format="%d"
        ),  # fmt: skip
        "match": st.column_config.TextColumn(t("lb_match")),
        "owner": st.column_config.TextColumn(t("lb_owner")),
        "quality": st.column_config.NumberColumn(t("lb_quality"), format="%d ★"),
        "found": st.column_config.TextColumn(t("lb_found")),
        "url": st.column_config.LinkColumn(t("lb_link"), display_text="↗"),
    }
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)
    names = {row["id"]: f"{row['title']} · {row['company'] or '—'}" for row in rows}
    lead_id = pick_and_act(t("lb_open_which"), names, key="lb_open_id", action=t("lb_open"),
                           action_key="lb_open")  # fmt: skip
    if lead_id is not None:
        go("lead", **{LEAD_PARAM: lead_id})
