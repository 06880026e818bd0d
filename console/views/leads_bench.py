"""The bench, a tab of the lead-gen settings: the workspace's own candidates offered to clients,
with what clients are told (headline, rate, available from, note) and what their resumes say
(skills, years); adding a candidate found by name or e-mail, editing one, taking one off.

Every lead is matched against the whole bench, so a person added here shows up in the next
leads' bench matches.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.state import client
from console.views.leads_common import candidate_link
from console.widgets import call_then_rerun

add_texts(
    {
        "lbe_help": {
            "en": "Your own people, offered to clients. Skills and years come from their "
            "latest resume; the rest is what a response tells the client.",
            "ru": "Ваши люди, которых вы предлагаете клиентам. Навыки и опыт берутся из их "
            "последнего резюме; остальное отклик сообщает клиенту.",
        },
        "lbe_empty": {"en": "Nobody on the bench yet.", "ru": "На скамейке пока никого."},
        "lbe_name": {"en": "Name", "ru": "Имя"},
        "lbe_headline": {"en": "Headline", "ru": "Кратко о человеке"},
        "lbe_rate": {"en": "Rate", "ru": "Ставка"},
        "lbe_available": {"en": "Available from", "ru": "Свободен с"},
        "lbe_note": {"en": "Note", "ru": "Заметка"},
        "lbe_skills": {"en": "Skills", "ru": "Навыки"},
        "lbe_years": {"en": "Years", "ru": "Лет опыта"},
        "lbe_location": {"en": "Location", "ru": "Локация"},
        "lbe_add": {"en": "Put a candidate on the bench", "ru": "Добавить кандидата на скамейку"},
        "lbe_find": {"en": "Find by name or e-mail", "ru": "Найти по имени или почте"},
        "lbe_candidate": {"en": "Candidate", "ru": "Кандидат"},
        "lbe_none_found": {
            "en": "No candidate found who is not on the bench already.",
            "ru": "Не найдено кандидатов, которых ещё нет на скамейке.",
        },
        "lbe_add_button": {"en": "Add to the bench", "ru": "Добавить на скамейку"},
        "lbe_added": {"en": "Added to the bench.", "ru": "Добавлен на скамейку."},
        "lbe_edit": {"en": "Change a bench person", "ru": "Изменить данные человека"},
        "lbe_who": {"en": "Who", "ru": "Кто"},
        "lbe_save": {"en": "Save", "ru": "Сохранить"},
        "lbe_saved": {"en": "Saved.", "ru": "Сохранено."},
        "lbe_remove": {"en": "Take off the bench", "ru": "Убрать со скамейки"},
        "lbe_removed": {
            "en": "Taken off the bench (the candidate stays).",
            "ru": "Убран со скамейки (кандидат остаётся).",
        },
        "lbe_viewer": {
            "en": "Recruiters and owners keep the bench.",
            "ru": "Скамейку ведут рекрутеры и владельцы.",
        },
    }
)


def bench_section(workspace_id: str, *, editor: bool, notice_key: str) -> None:
    """The bench as a table, then adding, editing and removing (editors)."""
    st.caption(t("lbe_help"))
    try:
        members = client().bench(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    _table(members)
    if not editor:
        st.caption(t("lbe_viewer"))
        return
    _add(workspace_id, {m["candidate_id"] for m in members}, notice_key)
    if members:
        _edit(workspace_id, members, notice_key)


def _table(members: list[dict[str, Any]]) -> None:
    if not members:
        st.info(t("lbe_empty"))
        return
    frame = pd.DataFrame(
        {
            t("lbe_name"): [m["full_name"] for m in members],
            t("lbe_headline"): [m["headline"] for m in members],
            t("lbe_rate"): [m["rate"] or "" for m in members],
            t("lbe_available"): [str(m["available_from"] or "") for m in members],
            t("lbe_skills"): [", ".join(m.get("skills") or ()) for m in members],
            t("lbe_years"): [m.get("years") for m in members],
            t("lbe_location"): [m.get("location") or "" for m in members],
            t("lbe_note"): [m["note"] for m in members],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _details(prefix: str, member: dict[str, Any] | None = None) -> dict[str, Any]:
    """Headline, rate, date and note inputs (inside a form), as the API's `BenchIn`."""
    member = member or {}
    headline = st.text_input(t("lbe_headline"), value=member.get("headline", ""),
                             max_chars=300, key=f"{prefix}_headline")  # fmt: skip
    rate_cell, date_cell = st.columns(2)
    rate = rate_cell.text_input(t("lbe_rate"), value=member.get("rate") or "", max_chars=100,
                                key=f"{prefix}_rate")  # fmt: skip
    current = member.get("available_from")
    available = date_cell.date_input(t("lbe_available"),
                                     value=date.fromisoformat(current) if current else None,
                                     key=f"{prefix}_available")  # fmt: skip
    note = st.text_area(t("lbe_note"), value=member.get("note", ""), max_chars=2000,
                        key=f"{prefix}_note")  # fmt: skip
    return {
        "headline": headline.strip(), "rate": rate.strip() or None,
        "available_from": available.isoformat() if available else None, "note": note.strip(),
    }  # fmt: skip


def _add(workspace_id: str, on_bench: set[int], notice_key: str) -> None:
    st.subheader(t("lbe_add"))
    query = st.text_input(t("lbe_find"), max_chars=200, key="lbe_find")
    try:
        found = client().candidates(workspace_id, query.strip() or None)
    except ApiFailure as e:
        show_error(e)
        return
    people = {c["id"]: _person(c) for c in found if c["id"] not in on_bench}
    if not people:
        st.caption(t("lbe_none_found"))
        return
    with st.form("lbe_add_form", clear_on_submit=True):
        candidate_id = st.selectbox(t("lbe_candidate"), list(people),
                                    format_func=people.__getitem__, key="lbe_new_id")  # fmt: skip
        fields = _details("lbe_new")
        if st.form_submit_button(t("lbe_add_button")):
            call_then_rerun(lambda: client().put_bench(workspace_id, candidate_id, **fields),
                            notice_key, t("lbe_added"))  # fmt: skip


def _person(candidate: dict[str, Any]) -> str:
    return " · ".join(filter(None, (candidate["full_name"] or f"#{candidate['id']}",
                                    candidate.get("email"))))  # fmt: skip


def _edit(workspace_id: str, members: list[dict[str, Any]], notice_key: str) -> None:
    st.subheader(t("lbe_edit"))
    names = {m["candidate_id"]: m["full_name"] for m in members}
    candidate_id = st.selectbox(t("lbe_who"), list(names), format_func=names.__getitem__,
                                key="lbe_pick")  # fmt: skip
    member = next(m for m in members if m["candidate_id"] == candidate_id)
    candidate_link(candidate_id, names[candidate_id])
    with st.form(f"lbe_edit_{candidate_id}"):
        fields = _details(f"lbe_{candidate_id}", member)
        if st.form_submit_button(t("lbe_save")):
            call_then_rerun(lambda: client().put_bench(workspace_id, candidate_id, **fields),
                            notice_key, t("lbe_saved"))  # fmt: skip
    if st.button(t("lbe_remove"), key="lbe_remove", icon=":material/person_remove:"):
        call_then_rerun(lambda: client().remove_bench(workspace_id, candidate_id), notice_key,
                        t("lbe_removed"))  # fmt: skip
