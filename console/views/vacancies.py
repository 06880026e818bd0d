"""Vacancies page: the list with filters and paging, a new vacancy from pasted text or a file
(the requirements shown for correction before it is saved), and one vacancy opened in place.

A vacancy is opened by its id in the URL (`?vacancy=ID`), so a link to it can be shared and
a reload keeps it open.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.requirements_editor import requirements_editor, stated
from console.state import client
from console.vacancy_store import (
    PAGE_SIZE,
    SOURCES,
    forget_lists,
    open_vacancy,
    opened_vacancy,
    vacancy_page,
)
from console.views.vacancy_detail import vacancy_detail
from console.widgets import pick_and_act
from console.workspace_picker import pick_workspace

add_texts(
    {
        "vac_status_filter": {"en": "Status", "ru": "Статус"},
        "vac_search": {"en": "Search in title and text", "ru": "Поиск по названию и тексту"},
        "vac_new": {"en": "New vacancy", "ru": "Новая вакансия"},
        "vac_from_text": {"en": "Paste the text", "ru": "Вставить текст"},
        "vac_from_file": {"en": "Upload a file", "ru": "Загрузить файл"},
        "vac_file": {
            "en": "Vacancy file (PDF, DOCX or TXT)",
            "ru": "Файл вакансии (PDF, DOCX, TXT)",
        },
        "vac_read": {"en": "Read requirements", "ru": "Прочитать требования"},
        "vac_check": {
            "en": "Check what was read, correct it, then save",
            "ru": "Проверьте прочитанное, исправьте и сохраните",
        },
        "vac_save": {"en": "Save vacancy", "ru": "Сохранить вакансию"},
        "vac_discard": {"en": "Discard", "ru": "Отменить"},
        "vac_saved": {"en": "Vacancy “{title}” saved.", "ru": "Вакансия «{title}» сохранена."},
        "vac_need_text": {
            "en": "Paste the vacancy text first.",
            "ru": "Сначала вставьте текст вакансии.",
        },
        "vac_need_file": {"en": "Choose a file first.", "ru": "Сначала выберите файл."},
        "vac_language_read": {"en": "Language: {lang}", "ru": "Язык: {lang}"},
        "vac_none_found": {
            "en": "No vacancies match these filters.",
            "ru": "Нет вакансий под эти фильтры.",
        },
        "vac_empty": {
            "en": "No vacancies yet — create one above from a text or a file, or import them "
            "from HeadHunter.",
            "ru": "Вакансий пока нет — создайте первую выше из текста или файла или "
            "импортируйте с HeadHunter.",
        },
        "vac_empty_viewer": {
            "en": "No vacancies yet. A recruiter or an owner of the workspace can create them.",
            "ru": "Вакансий пока нет. Создать их может рекрутер или владелец пространства.",
        },
        "vac_page": {"en": "Page", "ru": "Страница"},
        "vac_shown": {
            "en": "{first}–{last} of {total}",
            "ru": "{first}–{last} из {total}",
        },
        "vac_open": {"en": "Open vacancy", "ru": "Открыть вакансию"},
        "vac_open_which": {"en": "Vacancy to open", "ru": "Какую вакансию открыть"},
        "source": {"en": "Source", "ru": "Источник"},
        "updated": {"en": "Updated", "ru": "Изменена"},
    }
)
EDITORS = ("owner", "recruiter")
DRAFT = "vacancy_draft"  # session key: the preview being corrected before it is saved


def vacancies_page() -> None:
    """The list, or the vacancy the URL names."""
    chosen = pick_workspace("vacancies_workspace")
    if chosen is None:
        st.title(t("vacancies"))
        return
    workspace_id, role = chosen
    opened = opened_vacancy()
    if opened is not None:
        if vacancy_detail(workspace_id, role, opened):
            return
        open_vacancy(None)  # not in this workspace: back to the list
    st.title(t("vacancies"))
    if role in EDITORS:
        _new_vacancy(workspace_id)
    _list(workspace_id, role)


def _list(workspace_id: str, role: str) -> None:
    status_col, source_col, search_col = st.columns([1, 1, 2])
    statuses = {"active": t("active"), "archived": t("archived"), None: t("all")}
    status = status_col.selectbox(
        t("vac_status_filter"), list(statuses), format_func=statuses.__getitem__, key="vac_status"
    )
    sources = {None: t("all"), **{s: t(f"src_{s}") for s in SOURCES}}
    source = source_col.selectbox(
        t("source"), list(sources), format_func=sources.__getitem__, key="vac_source"
    )
    query = search_col.text_input(t("vac_search"), key="vac_query", max_chars=200).strip()
    page = int(st.session_state.get("vac_page_no", 1)) - 1
    try:
        rows, total = vacancy_page(
            st.session_state["token"], workspace_id, status, source, query, page
        )
        if not rows and page:  # filters narrowed past the current page: start again
            page = 0
            rows, total = vacancy_page(
                st.session_state["token"], workspace_id, status, source, query, 0
            )
    except ApiFailure as e:
        show_error(e)
        return
    if not rows:
        filtered = status != "active" or source or query
        key = (
            "vac_none_found" if filtered else "vac_empty" if role in EDITORS else "vac_empty_viewer"
        )
        st.info(t(key))
        return
    _table(rows)
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    left, right = st.columns([1, 3])
    if pages > 1:
        left.number_input(
            t("vac_page"), min_value=1, max_value=pages, value=page + 1, key="vac_page_no"
        )
    right.caption(
        t("vac_shown").format(
            first=page * PAGE_SIZE + 1, last=page * PAGE_SIZE + len(rows), total=total
        )
    )
    titles = {row["id"]: row["title"] for row in rows}
    vacancy_id = pick_and_act(
        t("vac_open_which"), titles, key="vac_open_id", action=t("vac_open"),
        action_key="vac_open_button",
    )  # fmt: skip
    if vacancy_id is not None:
        open_vacancy(vacancy_id)
        st.rerun()


def _table(rows: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(rows)
    frame = pd.DataFrame(
        {
            t("title"): frame["title"],
            t("status"): frame["status"].map(t),
            t("source"): frame["source"].map(lambda s: t(f"src_{s}")),
            t("language"): frame["language"].map(lambda s: t(f"lang_{s}")),
            t("location"): frame["location"].fillna("—"),
            t("applications"): frame["applications"],
            t("created"): pd.to_datetime(frame["created_at"]).dt.strftime("%Y-%m-%d"),
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _new_vacancy(workspace_id: str) -> None:
    draft = st.session_state.get(DRAFT)
    with st.expander(t("vac_new"), expanded=draft is not None):
        if draft is None or draft["workspace_id"] != workspace_id:
            _read(workspace_id)
        else:
            _correct_and_save(workspace_id, draft)


def _read(workspace_id: str) -> None:
    """Step 1: the text or the file, read by the API without saving anything."""
    kinds = {"text": t("vac_from_text"), "file": t("vac_from_file")}
    kind = st.radio(
        t("vac_new"), list(kinds), format_func=kinds.__getitem__, key="vac_kind",
        horizontal=True, label_visibility="collapsed",
    )  # fmt: skip
    if kind == "text":
        title = st.text_input(t("title"), key="vac_title", max_chars=300)
        text = st.text_area(t("vac_description"), key="vac_text", height=240, max_chars=100_000)
        location = st.text_input(t("location"), key="vac_location", max_chars=200)
        if st.button(t("vac_read"), key="vac_read_text", type="primary"):
            if not text.strip():
                st.warning(t("vac_need_text"))
                return
            _preview(
                workspace_id, lambda api: api.preview_vacancy(workspace_id, title, text, location)
            )
    else:
        upload = st.file_uploader(t("vac_file"), type=["pdf", "docx", "txt"], key="vac_file")
        if st.button(t("vac_read"), key="vac_read_file", type="primary"):
            if upload is None:
                st.warning(t("vac_need_file"))
                return
            data = upload.getvalue()
            _preview(
                workspace_id, lambda api: api.preview_vacancy_file(workspace_id, upload.name, data)
            )


def _preview(workspace_id: str, read: Any) -> None:
    try:
        with st.spinner(t("vac_read")):
            preview = read(client())
    except ApiFailure as e:
        show_error(e)
        return
    st.session_state[DRAFT] = {"workspace_id": workspace_id, **preview}
    st.rerun()


def _correct_and_save(workspace_id: str, draft: dict[str, Any]) -> None:
    """Step 2: the reading shown for correction; saving creates the analysed vacancy."""
    st.markdown(f"**{t('vac_check')}**")
    st.caption(t("vac_language_read").format(lang=t(f"lang_{draft['language']}")))
    title = st.text_input(t("title"), value=draft["title"], key="draft_title", max_chars=300)
    location = st.text_input(
        t("location"), value=draft.get("location") or "", key="draft_location", max_chars=200
    )
    edit = requirements_editor(draft["requirements"], key="draft_requirements")
    with st.expander(t("vac_description")):
        text = st.text_area(
            t("vac_description"), value=draft["description"], key="draft_text", height=300,
            max_chars=100_000, label_visibility="collapsed",
        )  # fmt: skip
    save, discard = st.columns(2)
    if discard.button(t("vac_discard"), key="draft_discard"):
        _forget_draft()
        st.rerun()
    if save.button(t("vac_save"), key="draft_save", type="primary"):
        try:
            with st.spinner(t("vac_save")):
                # Only a corrected reading is sent: an untouched one stays the engine's, so
                # a later change of the text reads the requirements again.
                corrected = edit != stated(draft["requirements"])
                saved = client().save_vacancy(
                    workspace_id, title=title, description=text, location=location or None,
                    requirements=edit.as_json() if corrected else None,
                )  # fmt: skip
        except ApiFailure as e:
            show_error(e)
            return
        _forget_draft()
        forget_lists(workspace_id)
        st.session_state["vac_notice"] = t("vac_saved").format(title=saved["title"])
        open_vacancy(saved["id"])
        st.rerun()


def _forget_draft() -> None:
    for key in (DRAFT, "draft_title", "draft_location", "draft_text", "draft_requirements",
                "draft_requirements_years"):  # fmt: skip
        st.session_state.pop(key, None)
