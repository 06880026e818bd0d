"""The owner-only sections of the Team & access page: API keys (list, create, revoke) and the
audit log (filtered by kind of action, member and period, and paged).

A new key's secret comes back from the API once; it is kept in the session only until the next
run draws it, so a rerun or a reload no longer shows it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import error_text, show_error
from console.i18n import add_texts, t
from console.state import client

add_texts(
    {
        "ta_keys": {"en": "API keys", "ru": "API-ключи"},
        "ta_keys_help": {
            "en": "Scripts and integrations call the API with a key instead of a password. "
            "A key acts with the role chosen here in this workspace only.",
            "ru": "Скрипты и интеграции обращаются к API с ключом вместо пароля. Ключ действует "
            "с выбранной здесь ролью и только в этом рабочем пространстве.",
        },
        "ta_no_keys": {"en": "No API keys yet.", "ru": "API-ключей пока нет."},
        "ta_key_name": {"en": "Key name", "ru": "Название ключа"},
        "ta_prefix": {"en": "Starts with", "ru": "Начало ключа"},
        "ta_created": {"en": "Created", "ru": "Создан"},
        "ta_last_used": {"en": "Last used", "ru": "Последнее использование"},
        "ta_state": {"en": "State", "ru": "Состояние"},
        "ta_key_active": {"en": "active", "ru": "действует"},
        "ta_key_revoked": {"en": "revoked", "ru": "отозван"},
        "ta_key_expired": {"en": "expired", "ru": "истёк"},
        "ta_new_key": {"en": "New key", "ru": "Новый ключ"},
        "ta_create": {"en": "Create key", "ru": "Создать ключ"},
        "ta_need_name": {"en": "Name the key first.", "ru": "Сначала назовите ключ."},
        "ta_created_key": {
            "en": "Key “{name}” created. Copy it now:",
            "ru": "Ключ «{name}» создан. Скопируйте его сейчас:",
        },
        "ta_shown_once": {
            "en": "This key will not be shown again. Store it somewhere safe; if it is lost, "
            "revoke it and create a new one.",
            "ru": "Этот ключ больше не будет показан. Сохраните его в надёжном месте; если он "
            "потерян, отзовите его и создайте новый.",
        },
        "ta_key_to_revoke": {"en": "Key to revoke", "ru": "Какой ключ отозвать"},
        "ta_revoke": {"en": "Revoke key", "ru": "Отозвать ключ"},
        "ta_key_revoked_done": {
            "en": "Key “{name}” revoked: it no longer works.",
            "ru": "Ключ «{name}» отозван и больше не работает.",
        },
        "ta_audit": {"en": "Audit log", "ru": "Журнал действий"},
        "ta_kind": {"en": "What", "ru": "Что"},
        "ta_everything": {"en": "Everything", "ru": "Всё"},
        "ta_kind_workspace": {"en": "Workspace", "ru": "Рабочее пространство"},
        "ta_kind_member": {"en": "Members", "ru": "Участники"},
        "ta_kind_api_key": {"en": "API keys", "ru": "API-ключи"},
        "ta_kind_vacancy": {"en": "Vacancies", "ru": "Вакансии"},
        "ta_kind_candidate": {"en": "Candidates", "ru": "Кандидаты"},
        "ta_kind_resume": {"en": "Resumes", "ru": "Резюме"},
        "ta_kind_application": {"en": "Applications", "ru": "Отклики"},
        "ta_kind_interview": {"en": "Interviews", "ru": "Интервью"},
        "ta_who": {"en": "Who", "ru": "Кто"},
        "ta_anyone": {"en": "Anyone", "ru": "Любой"},
        "ta_period": {"en": "Period", "ru": "Период"},
        "ta_period_1": {"en": "Last 24 hours", "ru": "24 часа"},
        "ta_period_7": {"en": "Last 7 days", "ru": "7 дней"},
        "ta_period_30": {"en": "Last 30 days", "ru": "30 дней"},
        "ta_period_all": {"en": "All time", "ru": "Всё время"},
        "ta_when": {"en": "When (UTC)", "ru": "Когда (UTC)"},
        "ta_action": {"en": "Action", "ru": "Действие"},
        "ta_target": {"en": "Object", "ru": "Объект"},
        "ta_details": {"en": "Details", "ru": "Подробности"},
        "ta_by_key": {"en": "key “{name}”", "ru": "ключ «{name}»"},
        "ta_no_entries": {
            "en": "No entries match these filters.",
            "ru": "Нет записей под эти фильтры.",
        },
        "ta_page": {"en": "Page", "ru": "Страница"},
        "ta_shown": {"en": "{first}–{last} of {total}", "ru": "{first}–{last} из {total}"},
    }
)
NOTICE = "team_notice"  # session key: (kind, text) of the last action's outcome, page-wide
NEW_KEY = "access_new_key"  # session key: the key just created, drawn once then dropped
KEY_ROLES = ("recruiter", "viewer", "owner")
# The kinds of audited actions (the part of an action before its dot), in the filter's order.
KINDS = ("workspace", "member", "api_key", "vacancy", "candidate", "resume", "application",
         "interview")  # fmt: skip
PERIODS = {"ta_period_all": None, "ta_period_1": 1, "ta_period_7": 7, "ta_period_30": 30}
PAGE_SIZE = 25


def keys_section(workspace_id: str) -> None:
    """The workspace's keys, the one just created (once), the create and revoke controls."""
    st.subheader(t("ta_keys"))
    st.caption(t("ta_keys_help"))
    created = st.session_state.pop(NEW_KEY, None)
    if created is not None:
        st.success(t("ta_created_key").format(name=created["name"]))
        st.code(created["key"], language=None)
        st.warning(t("ta_shown_once"))
    try:
        keys = client().api_keys(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    if keys:
        _keys_table(keys)
    else:
        st.info(t("ta_no_keys"))
    with st.form("key_form", clear_on_submit=True):
        st.markdown(f"**{t('ta_new_key')}**")
        name_col, role_col = st.columns([3, 2])
        name_col.text_input(t("ta_key_name"), key="key_name", max_chars=100)
        role_col.selectbox(
            t("member_role"), KEY_ROLES, format_func=labels(KEY_ROLES), key="key_role"
        )
        st.form_submit_button(t("ta_create"), on_click=_create, args=(workspace_id,))
    usable = {k["id"]: k["name"] for k in keys if _state(k) == "ta_key_active"}
    if usable:
        pick, button = st.columns([3, 2], vertical_alignment="bottom")
        pick.selectbox(
            t("ta_key_to_revoke"), list(usable), format_func=usable.__getitem__, key="key_pick"
        )
        button.button(
            t("ta_revoke"), key="key_revoke", on_click=_revoke, args=(workspace_id, usable)
        )


def _create(workspace_id: str) -> None:
    name = (st.session_state.get("key_name") or "").strip()
    if not name:
        st.session_state[NOTICE] = ("warning", t("ta_need_name"))
        return
    try:
        issued = client().create_api_key(workspace_id, name, st.session_state["key_role"])
    except ApiFailure as e:
        st.session_state[NOTICE] = ("error", error_text(e))
        return
    st.session_state[NEW_KEY] = {"name": issued["name"], "key": issued["key"]}


def _revoke(workspace_id: str, usable: dict[int, str]) -> None:
    key_id = st.session_state["key_pick"]
    try:
        client().revoke_api_key(workspace_id, key_id)
    except ApiFailure as e:
        st.session_state[NOTICE] = ("error", error_text(e))
        return
    st.session_state[NOTICE] = ("info", t("ta_key_revoked_done").format(name=usable[key_id]))


def _state(key: dict[str, Any]) -> str:
    if key["revoked_at"]:
        return "ta_key_revoked"
    if key["expires_at"] and datetime.fromisoformat(key["expires_at"]) <= datetime.now(UTC):
        return "ta_key_expired"
    return "ta_key_active"


def _keys_table(keys: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(
        {
            t("ta_key_name"): [k["name"] for k in keys],
            t("ta_prefix"): [f"{k['prefix']}…" for k in keys],
            t("member_role"): [t(k["role"]) for k in keys],
            t("ta_created"): [_when(k["created_at"]) for k in keys],
            t("ta_last_used"): [_when(k["last_used_at"]) for k in keys],
            t("ta_state"): [t(_state(k)) for k in keys],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def audit_section(workspace_id: str, members: list[dict[str, Any]]) -> None:
    """The log narrowed by kind of action, member and period, one page at a time."""
    st.subheader(t("ta_audit"))
    kind_col, who_col, period_col = st.columns(3)
    kinds = {None: t("ta_everything"), **{k: t(f"ta_kind_{k}") for k in KINDS}}
    kind = kind_col.selectbox(
        t("ta_kind"), list(kinds), format_func=kinds.__getitem__, key="audit_kind"
    )
    people = {None: t("ta_anyone"), **{m["user_id"]: m["full_name"] or m["email"] for m in members}}
    who = who_col.selectbox(
        t("ta_who"), list(people), format_func=people.__getitem__, key="audit_who"
    )
    period = period_col.selectbox(
        t("ta_period"), list(PERIODS), format_func=labels(PERIODS), key="audit_period"
    )
    days = PERIODS[period]
    filters = {
        "action": f"{kind}." if kind else None,
        "actor_user_id": who,
        "since": (datetime.now(UTC) - timedelta(days=days)).isoformat() if days else None,
    }
    page = int(st.session_state.get("audit_page_no", 1)) - 1
    try:
        rows, total = _page(workspace_id, filters, page)
        if not rows and page:  # the filters narrowed past the current page: start again
            page = 0
            rows, total = _page(workspace_id, filters, 0)
    except ApiFailure as e:
        show_error(e)
        return
    if not rows:
        st.info(t("ta_no_entries"))
        return
    _audit_table(rows)
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    left, right = st.columns([1, 3])
    if pages > 1:
        left.number_input(
            t("ta_page"), min_value=1, max_value=pages, value=page + 1, key="audit_page_no"
        )
    right.caption(
        t("ta_shown").format(
            first=page * PAGE_SIZE + 1, last=page * PAGE_SIZE + len(rows), total=total
        )
    )


def _page(workspace_id: str, filters: dict[str, Any], page: int) -> tuple[list[dict], int]:
    return client().audit_page(workspace_id, limit=PAGE_SIZE, offset=page * PAGE_SIZE, **filters)


def _audit_table(rows: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(
        {
            t("ta_when"): [_when(r["created_at"], seconds=True) for r in rows],
            t("ta_who"): [_actor(r) for r in rows],
            t("ta_action"): [r["action"] for r in rows],
            t("ta_target"): [
                f"{r['target_type']} {r['target_id'] or ''}".strip() if r["target_type"] else "—"
                for r in rows
            ],
            t("ta_details"): [
                json.dumps(r["details"], ensure_ascii=False) if r["details"] else "" for r in rows
            ],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _actor(row: dict[str, Any]) -> str:
    if row["actor_api_key_name"]:
        return t("ta_by_key").format(name=row["actor_api_key_name"])
    return (
        row["actor_name"]
        or row["actor_email"]
        or (f"#{row['actor_user_id']}" if row["actor_user_id"] else "—")
    )


def _when(iso: str | None, seconds: bool = False) -> str:
    """An API timestamp as 'YYYY-MM-DD HH:MM' (UTC, as the API gives it); '—' for none."""
    if not iso:
        return "—"
    return datetime.fromisoformat(iso).strftime(
        "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    )


def labels(keys: Iterable[str]) -> Callable[[str], str]:
    """A format_func of translated labels fixed when drawn (the widget keeps the function, so
    it must not depend on the session it is later called in)."""
    return {key: t(key) for key in keys}.__getitem__
