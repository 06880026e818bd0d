"""Candidates of a vacancy: the ranked table with filters and paging, resumes uploaded with
their status followed live, and bulk actions on the ticked rows.

The API ranks and pages (50 rows a call, the total in a header), so the page costs the same
with 50 applications or 10,000. The chosen vacancy is in the URL (`?vacancy=ID`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.bulk_actions import STAGES, bulk_panel
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import words
from console.navigation import go
from console.state import api_for
from console.upload_panel import upload_panel
from console.vacancy_store import OPEN_PARAM, forget_lists, vacancy_page
from console.widgets import pick_and_act
from console.workspace_picker import pick_workspace

add_texts(
    {
        "cand_title": {"en": "Candidates", "ru": "Кандидаты"},
        "cand_vacancy": {"en": "Vacancy", "ru": "Вакансия"},
        "cand_no_vacancies": {
            "en": "No open vacancies. Create one on the Vacancies page first.",
            "ru": "Открытых вакансий нет. Сначала создайте вакансию на странице «Вакансии».",
        },
        "cand_view": {"en": "Show", "ru": "Показать"},
        "view_all": {"en": "all", "ru": "всех"},
        "view_new": {"en": "new", "ru": "новых"},
        "view_top": {"en": "top N", "ru": "топ N"},
        "view_flagged": {"en": "flagged", "ru": "с флагами"},
        "view_stage": {"en": "at a stage", "ru": "на этапе"},
        "cand_top_n": {"en": "N", "ru": "N"},
        "cand_empty": {
            "en": "No applications yet — upload resumes above or import responses from HeadHunter.",
            "ru": "Откликов пока нет — загрузите резюме выше или импортируйте отклики с "
            "HeadHunter.",
        },
        "cand_none_match": {
            "en": "No applications match this filter.",
            "ru": "Нет откликов под этот фильтр.",
        },
        "cand_shown": {"en": "{first}–{last} of {total}", "ru": "{first}–{last} из {total}"},
        "cand_page": {"en": "Page", "ru": "Страница"},
        "cand_select": {"en": "✓", "ru": "✓"},
        "cand_interview": {"en": "Interview", "ru": "Интервью"},
        "cand_applied": {"en": "Applied", "ru": "Отклик"},
        "cand_open_which": {"en": "Candidate to open", "ru": "Какого кандидата открыть"},
        "cand_open": {"en": "Open candidate", "ru": "Открыть кандидата"},
    }
)
EDITORS = ("owner", "recruiter")
PAGE_SIZE = 50
VIEWS = ("all", "new", "top", "flagged", "stage")
TABLE = "cand_table"  # data editor key prefix (per vacancy and page)
CANDIDATE_PARAM = "candidate"  # the candidate page's URL parameter


def candidates_page() -> None:
    """Vacancy, upload, filters, the ranked page and the bulk actions on it."""
    st.title(t("cand_title"))
    chosen = pick_workspace("candidates_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    vacancy_id = _vacancy(workspace_id)
    if vacancy_id is None:
        return
    if role in EDITORS:
        upload_panel(workspace_id, vacancy_id, on_change=lambda: _changed(workspace_id))
    stage, flagged, top = _filters()
    page = int(st.session_state.get("cand_page_no", 1)) - 1
    limit = PAGE_SIZE if top is None else min(PAGE_SIZE, max(top - page * PAGE_SIZE, 0))
    try:
        rows, total = _ranking(
            st.session_state["token"], workspace_id, vacancy_id, stage, flagged,
            page * PAGE_SIZE, limit or 1,
        )  # fmt: skip
    except ApiFailure as e:
        show_error(e)
        return
    total = min(total, top) if top is not None else total
    if not rows or not limit:
        filtered = stage or flagged or top is not None
        st.info(t("cand_none_match") if filtered else t("cand_empty"))
        return
    selected = _table(rows, vacancy_id, page, editable=role in EDITORS)
    _paging(page, len(rows), total)
    if role in EDITORS:
        table_key = f"{TABLE}_{vacancy_id}_{page}"
        bulk_panel(workspace_id, selected, on_done=lambda: _after_bulk(workspace_id, table_key))
    _open_candidate(rows)


def _vacancy(workspace_id: str) -> int | None:
    try:
        rows, _ = vacancy_page(st.session_state["token"], workspace_id, "active", None, "", 0)
    except ApiFailure as e:
        show_error(e)
        return None
    if not rows:
        st.info(t("cand_no_vacancies"))
        return None
    titles = {row["id"]: f"{row['title']} · {row['applications']}" for row in rows}
    wanted = st.query_params.get(OPEN_PARAM)
    ids = list(titles)
    index = ids.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in ids else 0
    vacancy_id = st.selectbox(
        t("cand_vacancy"), ids, index=index, format_func=titles.__getitem__, key="cand_vacancy"
    )
    if st.query_params.get(OPEN_PARAM) != str(vacancy_id):
        st.query_params[OPEN_PARAM] = str(vacancy_id)
    return vacancy_id


def _filters() -> tuple[str | None, bool, int | None]:
    """(stage, flagged only, top N) from the filter widgets."""
    views = {v: t(f"view_{v}") for v in VIEWS}
    left, right = st.columns([3, 1])
    view = left.radio(
        t("cand_view"), list(views), format_func=views.__getitem__, key="cand_view",
        horizontal=True,
    )  # fmt: skip
    if view == "top":
        top = int(right.number_input(t("cand_top_n"), 1, 1000, 10, key="cand_top"))
        return None, False, top
    if view == "stage":
        stages = {s: t(f"stage_{s}") for s in STAGES}
        stage = right.selectbox(
            t("stage"), list(stages), format_func=stages.__getitem__, key="cand_stage"
        )
        return stage, False, None
    return ("new" if view == "new" else None), view == "flagged", None


@st.cache_data(ttl=5, show_spinner=False)
def _ranking(
    token: str,
    workspace_id: str,
    vacancy_id: int,
    stage: str | None,
    flagged: bool,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    return api_for(token).ranking_page(
        workspace_id, vacancy_id, stage=stage, flagged=flagged, limit=limit, offset=offset
    )


def _changed(workspace_id: str) -> None:
    """Applications changed here: read the ranking, the vacancy list (its counts) and the
    dashboard's figures again."""
    _ranking.clear()
    forget_lists(workspace_id)


def _after_bulk(workspace_id: str, table_key: str) -> None:
    """Read the ranking again and untick the rows the action was applied to."""
    _changed(workspace_id)
    st.session_state.pop(table_key, None)


def table_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The ranked rows as the recruiter reads them (translated, one line each)."""
    return pd.DataFrame(
        {
            "select": [False] * len(rows),
            "rank": [r["rank"] for r in rows],
            "name": [r["full_name"] for r in rows],
            "score": [r["score"] for r in rows],
            "recommendation": [
                t(r["recommendation"]) if r["recommendation"] else "—" for r in rows
            ],
            "matched": [words(r["matched"]) for r in rows],
            "missing": [words(r["missing"]) for r in rows],
            "flags": [words(r["flags"]) for r in rows],
            "stage": [t(f"stage_{r['stage']}") for r in rows],
            "interview": [
                t(f"iv_{r['interview_status']}") if r["interview_status"] else "—" for r in rows
            ],
            "applied": [str(r["applied_at"])[:10] for r in rows],
        }
    )


def _table(
    rows: list[dict[str, Any]], vacancy_id: int, page: int, *, editable: bool
) -> list[dict[str, Any]]:
    """Draw the page; the rows ticked for bulk actions (editors only)."""
    frame = table_frame(rows)
    labels = {
        "select": t("cand_select"), "rank": t("rank"), "name": t("name"), "score": t("score"),
        "recommendation": t("recommendation"), "matched": t("matched"), "missing": t("missing"),
        "flags": t("flags"), "stage": t("stage"), "interview": t("cand_interview"),
        "applied": t("cand_applied"),
    }  # fmt: skip
    config = {column: st.column_config.Column(label) for column, label in labels.items()}
    if not editable:
        st.dataframe(
            frame.drop(columns="select"), hide_index=True, width="stretch", column_config=config
        )
        return []
    config["select"] = st.column_config.CheckboxColumn(labels["select"], width="small")
    edited = st.data_editor(
        frame, key=f"{TABLE}_{vacancy_id}_{page}", hide_index=True, width="stretch",
        column_config=config, disabled=[c for c in frame.columns if c != "select"],
    )  # fmt: skip
    return [row for row, tick in zip(rows, edited["select"], strict=True) if tick]


def _paging(page: int, shown: int, total: int) -> None:
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    left, right = st.columns([1, 3])
    if pages > 1:
        left.number_input(t("cand_page"), 1, pages, page + 1, key="cand_page_no")
    right.caption(
        t("cand_shown").format(
            first=page * PAGE_SIZE + 1, last=page * PAGE_SIZE + shown, total=total
        )
    )


def _open_candidate(rows: list[dict[str, Any]]) -> None:
    names = {r["candidate_id"]: f"{r['rank']}. {r['full_name']}" for r in rows}
    candidate_id = pick_and_act(
        t("cand_open_which"), names, key="cand_open_id", action=t("cand_open"),
        action_key="cand_open_button",
    )  # fmt: skip
    if candidate_id is not None:
        go("candidate", **{CANDIDATE_PARAM: candidate_id})
