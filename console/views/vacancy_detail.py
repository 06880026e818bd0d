"""One vacancy: what it asks for, its text and requirements edited, archived or restored, the
verdict policy of its interviews, and its applications per day and funnel (DuckDB).

Editors (owners and recruiters) get the write controls; a viewer reads the same page without
them (the API refuses their writes anyway).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from console import analytics, charts
from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.requirements_editor import requirement_rows, requirements_editor, stated
from console.state import client
from console.vacancy_store import forget_lists, open_vacancy

add_texts(
    {
        "vac_back": {"en": "← All vacancies", "ru": "← Все вакансии"},
        "vac_tab_requirements": {"en": "Requirements", "ru": "Требования"},
        "vac_tab_edit": {"en": "Edit", "ru": "Изменить"},
        "vac_tab_policy": {"en": "Verdict policy", "ru": "Правила вердикта"},
        "vac_tab_activity": {"en": "Applications", "ru": "Отклики"},
        "vac_meta": {
            "en": "{status} · {source} · {language} · created {created}",
            "ru": "{status} · {source} · {language} · создана {created}",
        },
        "vac_must": {"en": "must have", "ru": "обязательно"},
        "vac_nice": {"en": "nice to have", "ru": "желательно"},
        "vac_kind": {"en": "Kind", "ru": "Вид"},
        "vac_years": {
            "en": "Experience asked for: {years} years",
            "ru": "Требуемый опыт: {years} лет",
        },
        "vac_no_years": {
            "en": "No experience requirement stated.",
            "ru": "Требование к опыту не указано.",
        },
        "vac_languages": {"en": "Languages: {languages}", "ru": "Языки: {languages}"},
        "vac_remote": {"en": "Remote work possible.", "ru": "Возможна удалённая работа."},
        "vac_read_by": {"en": "Read by: {engine}", "ru": "Прочитано: {engine}"},
        "vac_engine_recruiter": {"en": "corrected by a recruiter", "ru": "исправлено рекрутером"},
        "vac_no_requirements": {
            "en": "No requirements were read from the text. Add them on the Edit tab.",
            "ru": "Из текста не прочитано ни одного требования. Добавьте их на вкладке «Изменить».",
        },
        "vac_archive": {"en": "Archive", "ru": "В архив"},
        "vac_restore": {"en": "Restore", "ru": "Вернуть из архива"},
        "vac_archived_note": {
            "en": "This vacancy is archived: it takes no new applications.",
            "ru": "Вакансия в архиве: новые отклики не принимаются.",
        },
        "vac_edit_save": {"en": "Save changes", "ru": "Сохранить изменения"},
        "vac_updated": {"en": "Changes saved.", "ru": "Изменения сохранены."},
        "vac_text_changed": {
            "en": "The text changed, so the requirements were read again from it.",
            "ru": "Текст изменился, поэтому требования прочитаны из него заново.",
        },
        "vac_rescreen_hint": {
            "en": "Candidates already screened keep their scores until they are re-screened.",
            "ru": "Уже оценённые кандидаты сохраняют баллы до повторного скрининга.",
        },
        "vac_archived_done": {"en": "Vacancy archived.", "ru": "Вакансия перенесена в архив."},
        "vac_restored_done": {"en": "Vacancy restored.", "ru": "Вакансия возвращена из архива."},
        "pol_help": {
            "en": "How an interview's five scores become one verdict for this vacancy: each "
            "criterion's weight in the overall score, and the overall score a recommendation "
            "needs. Applies to analyses run from now on.",
            "ru": "Как пять оценок интервью превращаются в один вердикт по этой вакансии: вес "
            "каждого критерия в итоговом балле и балл, нужный для рекомендации. Применяется к "
            "анализам, запущенным после изменения.",
        },
        "pol_weights": {"en": "Weights", "ru": "Веса"},
        "pol_thresholds": {
            "en": "Thresholds (overall score from)",
            "ru": "Пороги (итоговый балл от)",
        },
        "pol_custom": {
            "en": "Custom policy for this vacancy.",
            "ru": "Свои правила для этой вакансии.",
        },
        "pol_default": {"en": "The default policy.", "ru": "Правила по умолчанию."},
        "pol_save": {"en": "Save policy", "ru": "Сохранить правила"},
        "pol_reset": {"en": "Restore defaults", "ru": "Вернуть по умолчанию"},
        "pol_saved": {"en": "Policy saved.", "ru": "Правила сохранены."},
        "act_note": {
            "en": "Figures refresh within a minute of new applications.",
            "ru": "Цифры обновляются в течение минуты после новых откликов.",
        },
    }
)
EDITORS = ("owner", "recruiter")
CRITERIA = (
    "technical_skills", "experience_relevance", "problem_solving", "communication",
    "cultural_fit",
)  # fmt: skip
LEVELS = ("strongly_recommend", "recommend", "consider")
NOTICE = "vac_notice"  # session key: the outcome of the last action, shown once


def vacancy_detail(workspace_id: str, role: str, vacancy_id: int) -> bool:
    """Draw the vacancy; False (after saying so) when it does not exist in this workspace."""
    if st.button(t("vac_back"), key="vac_back"):
        open_vacancy(None)
        st.rerun()
    try:
        vacancy = client().vacancy(workspace_id, vacancy_id)
    except ApiFailure as e:
        show_error(e)
        return e.status != 404
    st.title(vacancy["title"])
    st.caption(
        t("vac_meta").format(
            status=t(vacancy["status"]),
            source=t(f"src_{vacancy['source']}"),
            language=t(f"lang_{vacancy['language']}"),
            created=vacancy["created_at"][:10],
        )  # fmt: skip
    )
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    editor = role in EDITORS
    if vacancy["status"] == "archived":
        st.warning(t("vac_archived_note"))
    if editor:
        _archive_button(workspace_id, vacancy)
    names = ["vac_tab_requirements", "vac_tab_activity", "vac_tab_policy"]
    names += ["vac_tab_edit"] if editor else []
    tabs = dict(zip(names, st.tabs([t(n) for n in names]), strict=True))
    with tabs["vac_tab_requirements"]:
        _requirements(vacancy)
    with tabs["vac_tab_activity"]:
        _activity(workspace_id, vacancy_id)
    with tabs["vac_tab_policy"]:
        _policy(workspace_id, vacancy_id, editor)
    if editor:
        with tabs["vac_tab_edit"]:
            _edit(workspace_id, vacancy)
    return True


def _requirements(vacancy: dict[str, Any]) -> None:
    requirements = vacancy["requirements"] or {}
    rows = requirement_rows(requirements)
    if rows.empty:
        st.info(t("vac_no_requirements"))
    else:
        rows["must"] = rows["must"].map({True: t("vac_must"), False: t("vac_nice")})
        rows = rows.rename(
            columns={"text": t("req_text"), "must": t("vac_kind"), "looks_for": t("req_looks_for")}
        )
        st.dataframe(rows, hide_index=True, width="stretch")
    years = requirements.get("min_years")
    st.markdown(t("vac_years").format(years=f"{years:g}") if years else t("vac_no_years"))
    languages = requirements.get("languages") or []
    if languages:
        listed = ", ".join(
            f"{item['name']} {item.get('level') or ''}".strip() for item in languages
        )
        st.markdown(t("vac_languages").format(languages=listed))
    if requirements.get("remote"):
        st.markdown(t("vac_remote"))
    engine = vacancy.get("requirements_engine") or "—"
    engine = t("vac_engine_recruiter") if engine == "recruiter" else engine
    st.caption(t("vac_read_by").format(engine=engine))
    with st.expander(t("vac_description")):
        st.text(vacancy["description"])


def _archive_button(workspace_id: str, vacancy: dict[str, Any]) -> None:
    archived = vacancy["status"] == "archived"
    label, status, done = (
        ("vac_restore", "active", "vac_restored_done")
        if archived
        else ("vac_archive", "archived", "vac_archived_done")
    )
    if st.button(t(label), key="vac_status_button"):
        try:
            client().update_vacancy(workspace_id, vacancy["id"], status=status)
        except ApiFailure as e:
            show_error(e)
            return
        _refresh(workspace_id, t(done))


def _refresh(workspace_id: str, notice: str) -> None:
    """After a write: drop cached lists and show the outcome once on the next run."""
    forget_lists(workspace_id)
    st.session_state[NOTICE] = notice
    st.rerun()


def _edit(workspace_id: str, vacancy: dict[str, Any]) -> None:
    key = f"edit_{vacancy['id']}"
    title = st.text_input(t("title"), value=vacancy["title"], key=f"{key}_title", max_chars=300)
    location = st.text_input(
        t("location"), value=vacancy.get("location") or "", key=f"{key}_location", max_chars=200
    )
    text = st.text_area(
        t("vac_description"), value=vacancy["description"], key=f"{key}_text", height=300,
        max_chars=100_000,
    )  # fmt: skip
    requirements = vacancy["requirements"] or {}
    edit = requirements_editor(requirements, key=f"{key}_requirements")
    st.caption(t("vac_rescreen_hint"))
    if not st.button(t("vac_edit_save"), key=f"{key}_save", type="primary"):
        return
    changes: dict[str, Any] = {}
    if title.strip() != vacancy["title"]:
        changes["title"] = title.strip()
    if text != vacancy["description"]:
        changes["description"] = text
    if (location or None) != vacancy.get("location"):
        changes["location"] = location
    # Untouched requirements are read again from a changed text; corrected ones (now or
    # earlier, by a recruiter) are kept.
    if edit != stated(requirements) or vacancy.get("requirements_engine") == "recruiter":
        changes["requirements"] = edit.as_json()
    if not changes:
        return
    try:
        client().update_vacancy(workspace_id, vacancy["id"], **changes)
    except ApiFailure as e:
        show_error(e)
        return
    for suffix in ("_title", "_location", "_text", "_requirements", "_requirements_years"):
        st.session_state.pop(f"{key}{suffix}", None)
    rewritten = ("title" in changes or "description" in changes) and "requirements" not in changes
    _refresh(workspace_id, t("vac_updated") + (" " + t("vac_text_changed") if rewritten else ""))


def _policy(workspace_id: str, vacancy_id: int, editor: bool) -> None:
    st.caption(t("pol_help"))
    try:
        policy = client().vacancy_policy(workspace_id, vacancy_id)
    except ApiFailure as e:
        show_error(e)
        return
    st.markdown(t("pol_custom") if policy["custom"] else t("pol_default"))
    key = f"policy_{vacancy_id}"
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('pol_weights')}**")
        weights = {
            c: st.number_input(
                t(c),
                min_value=0.0,
                max_value=1.0,
                step=0.05,
                value=float(policy["weights"][c]),
                key=f"{key}_w_{c}",
                disabled=not editor,
            )  # fmt: skip
            for c in CRITERIA
        }
    with right:
        st.markdown(f"**{t('pol_thresholds')}**")
        thresholds = {
            level: st.number_input(
                t(level),
                min_value=0,
                max_value=100,
                step=1,
                value=int(policy["thresholds"][level]),
                key=f"{key}_t_{level}",
                disabled=not editor,
            )  # fmt: skip
            for level in LEVELS
        }
    if not editor:
        return
    save, reset = st.columns(2)
    chosen: dict[str, Any] | None = None
    if save.button(t("pol_save"), key=f"{key}_save", type="primary"):
        chosen = {"weights": weights, "thresholds": thresholds}
    if reset.button(t("pol_reset"), key=f"{key}_reset"):
        chosen = {}
    if chosen is None:
        return
    try:
        client().set_vacancy_policy(workspace_id, vacancy_id, chosen)
    except ApiFailure as e:
        show_error(e)
        return
    for name in [f"{key}_w_{c}" for c in CRITERIA] + [f"{key}_t_{level}" for level in LEVELS]:
        st.session_state.pop(name, None)
    _refresh(workspace_id, t("pol_saved"))


def _activity(workspace_id: str, vacancy_id: int) -> None:
    try:
        con = analytics.workspace_db(workspace_id, st.session_state["token"]).cursor()
    except ApiFailure as e:
        show_error(e)
        return
    filters = analytics.Filters(vacancy_id=vacancy_id)
    left, right = st.columns(2)
    with left:
        charts.per_day(analytics.applications_per_day(con, filters))
    with right:
        charts.funnel(analytics.funnel(con, filters))
    st.caption(t("act_note"))
