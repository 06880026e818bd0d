"""Settings page: the chosen workspace's name (owners rename it), the engines in use, which
vendor keys are configured (never the keys themselves) and the interview limits.

The installation's settings come from its environment and are read-only here; the API says
what they are (GET .../settings), so any member can see what the product runs on.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import error_text, show_error
from console.i18n import add_texts, t
from console.state import client
from console.workspace_picker import pick_workspace

add_texts(
    {
        "settings": {"en": "Settings", "ru": "Настройки"},
        "set_workspace": {"en": "Workspace", "ru": "Рабочее пространство"},
        "set_name": {"en": "Name", "ru": "Название"},
        "set_slug": {"en": "Address (slug): {slug}", "ru": "Адрес (slug): {slug}"},
        "set_rename": {"en": "Rename", "ru": "Переименовать"},
        "set_retention": {"en": "Personal data", "ru": "Персональные данные"},
        "set_retention_help": {
            "en": "Candidates older than this are erased with everything about them (resumes, "
            "applications, interviews), and the erasure is written to the audit log (152-FZ, "
            "GDPR). Empty: kept until deleted by hand.",
            "ru": "Кандидаты старше этого срока удаляются вместе со всеми данными (резюме, "
            "отклики, интервью), удаление записывается в журнал аудита (152-ФЗ, GDPR). "
            "Пусто — хранить, пока не удалят вручную.",
        },
        "set_retention_days": {
            "en": "Keep candidates' personal data, days (empty: for ever)",
            "ru": "Хранить персональные данные кандидатов, дней (пусто — бессрочно)",
        },
        "set_save_retention": {"en": "Save", "ru": "Сохранить"},
        "set_keep_days": {
            "en": "Candidates' personal data is kept {n} days.",
            "ru": "Персональные данные кандидатов хранятся {n} дн.",
        },
        "set_keep_forever": {
            "en": "Candidates' personal data is kept until deleted by hand.",
            "ru": "Персональные данные кандидатов хранятся, пока их не удалят вручную.",
        },
        "set_renamed": {
            "en": "The workspace is now called “{name}”.",
            "ru": "Рабочее пространство теперь называется «{name}».",
        },
        "set_need_name": {"en": "Enter a name first.", "ru": "Сначала введите название."},
        "set_owners_rename": {
            "en": "Only owners rename the workspace.",
            "ru": "Переименовать пространство может только владелец.",
        },
        "set_engines": {"en": "Engines in use", "ru": "Используемые движки"},
        "set_job": {"en": "What", "ru": "Что"},
        "set_engine": {"en": "Engine", "ru": "Движок"},
        "set_where": {"en": "Runs", "ru": "Где работает"},
        "set_offline": {"en": "offline", "ru": "офлайн"},
        "set_cloud": {"en": "cloud", "ru": "облако"},
        "set_job_stt": {"en": "Speech recognition", "ru": "Распознавание речи"},
        "set_job_tts": {"en": "Speech synthesis", "ru": "Синтез речи"},
        "set_job_llm": {"en": "Language model", "ru": "Языковая модель"},
        "set_job_profiles": {
            "en": "Resume and vacancy reading",
            "ru": "Чтение резюме и вакансий",
        },
        "set_job_embeddings": {"en": "Semantic search", "ru": "Семантический поиск"},
        "set_job_screening": {"en": "Screening", "ru": "Скрининг"},
        "set_job_planning": {"en": "Interview plans", "ru": "Планы интервью"},
        "set_job_analysis": {"en": "Interview analysis", "ru": "Анализ интервью"},
        "set_keys": {"en": "Keys and credentials", "ru": "Ключи и доступы"},
        "set_keys_help": {
            "en": "Set in the installation's environment by its administrator; the keys "
            "themselves are never shown.",
            "ru": "Задаются администратором в окружении установки; сами ключи никогда не "
            "показываются.",
        },
        "set_service": {"en": "Service", "ru": "Сервис"},
        "set_configured": {"en": "✓ configured", "ru": "✓ настроен"},
        "set_missing": {"en": "— not configured", "ru": "— не настроен"},
        "set_limits": {"en": "Interview limits", "ru": "Ограничения интервью"},
        "set_limit": {"en": "Limit", "ru": "Ограничение"},
        "set_value": {"en": "Value", "ru": "Значение"},
        "set_max_duration": {"en": "Longest interview", "ru": "Наибольшая длительность"},
        "set_concurrent": {
            "en": "Interviews at once per workspace",
            "ru": "Интервью одновременно в пространстве",
        },
        "set_grace": {
            "en": "Wait for a candidate to reconnect",
            "ru": "Ожидание переподключения кандидата",
        },
        "set_offers": {
            "en": "Connection attempts per link",
            "ru": "Попыток подключения по ссылке",
        },
        "set_link_ttl": {
            "en": "A new interview link works for",
            "ru": "Новая ссылка на интервью действует",
        },
        "set_minutes": {"en": "{n} min", "ru": "{n} мин"},
        "set_seconds": {"en": "{n} s", "ru": "{n} с"},
        "set_hours": {"en": "{n} h", "ru": "{n} ч"},
        "set_per_window": {"en": "{n} per {window} s", "ru": "{n} за {window} с"},
    }
)
NOTICE = "settings_notice"  # session key: (kind, text) of the last rename's outcome
SERVICES = {
    "openai": "OpenAI", "deepgram": "Deepgram", "elevenlabs": "ElevenLabs",
    "telegram": "Telegram", "hh": "HeadHunter",
}  # fmt: skip


def settings_page() -> None:
    """Workspace name, engines, key presence and interview limits of the chosen workspace."""
    st.title(t("settings"))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        getattr(st, notice[0])(notice[1])
    chosen = pick_workspace("settings_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    try:
        answer = client().workspace_settings(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    _workspace(workspace_id, answer["workspace"], owner=role == "owner")
    st.subheader(t("set_engines"))
    _table(
        {
            t("set_job"): [_job(job) for job in answer["engines"]],
            t("set_engine"): [e["id"] for e in answer["engines"].values()],
            t("set_where"): [
                t("set_offline" if e["offline"] else "set_cloud")
                for e in answer["engines"].values()
            ],
        }
    )
    st.subheader(t("set_keys"))
    st.caption(t("set_keys_help"))
    keys = answer["keys"]
    _table(
        {
            t("set_service"): [SERVICES.get(k, k) for k in keys],
            t("status"): [t("set_configured" if v else "set_missing") for v in keys.values()],
        }
    )
    st.subheader(t("set_limits"))
    _limits(answer["interview_limits"])
    _retention(workspace_id, answer["workspace"], owner=role == "owner")


def _retention(workspace_id: str, workspace: dict[str, Any], *, owner: bool) -> None:
    st.subheader(t("set_retention"))
    st.caption(t("set_retention_help"))
    days = workspace.get("retention_days")
    if not owner:
        st.markdown(t("set_keep_days").format(n=days) if days else t("set_keep_forever"))
        return
    with st.form("retention_form"):
        st.number_input(
            t("set_retention_days"), min_value=1, max_value=3650, value=days, step=30,
            key="ws_retention",
        )  # fmt: skip
        st.form_submit_button(
            t("set_save_retention"), on_click=_save_retention, args=(workspace_id,)
        )


def _save_retention(workspace_id: str) -> None:
    days = st.session_state.get("ws_retention")
    try:
        client().set_retention(workspace_id, int(days) if days else None)
    except ApiFailure as e:
        st.session_state[NOTICE] = ("error", error_text(e))
        return
    text = t("set_keep_days").format(n=int(days)) if days else t("set_keep_forever")
    st.session_state[NOTICE] = ("success", text)


def _workspace(workspace_id: str, workspace: dict[str, Any], *, owner: bool) -> None:
    st.subheader(t("set_workspace"))
    if not owner:
        st.markdown(f"**{workspace['name']}**")
        st.caption(t("set_slug").format(slug=workspace["slug"]))
        st.caption(t("set_owners_rename"))
        return
    with st.form("rename_form"):
        st.text_input(t("set_name"), value=workspace["name"], key="ws_name", max_chars=100)
        st.form_submit_button(
            t("set_rename"), on_click=_rename, args=(workspace_id, workspace["name"])
        )
    st.caption(t("set_slug").format(slug=workspace["slug"]))


def _rename(workspace_id: str, current: str) -> None:
    """In the submit's callback, so the outcome is known whatever the next run draws."""
    name = (st.session_state.get("ws_name") or "").strip()
    if name == current:
        return
    if not name:
        st.session_state[NOTICE] = ("warning", t("set_need_name"))
        return
    try:
        renamed = client().rename_workspace(workspace_id, name)
    except ApiFailure as e:
        st.session_state[NOTICE] = ("error", error_text(e))
        return
    st.session_state[NOTICE] = ("success", t("set_renamed").format(name=renamed["name"]))


def _job(job: str) -> str:
    key = f"set_job_{job}"
    try:
        return t(key)
    except KeyError:  # an engine added to the API after this page
        return job


def _limits(limits: dict[str, Any]) -> None:
    rows = {
        "set_max_duration": t("set_minutes").format(n=f"{limits['max_duration_s'] / 60:g}"),
        "set_concurrent": str(limits["max_concurrent_per_workspace"]),
        "set_grace": t("set_seconds").format(n=f"{limits['reconnect_grace_s']:g}"),
        "set_offers": t("set_per_window").format(
            n=limits["offer_limit"], window=f"{limits['offer_window_s']:g}"
        ),
        "set_link_ttl": t("set_hours").format(n=f"{limits['link_ttl_hours']:g}"),
    }
    _table({t("set_limit"): [t(k) for k in rows], t("set_value"): list(rows.values())})


def _table(columns: dict[str, list[Any]]) -> None:
    st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch")
