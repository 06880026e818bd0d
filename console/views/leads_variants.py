"""Prompt variants, a tab of the lead-gen settings: the versioned instructions responses are
written with, each lead getting one by the workspace's policy (learning from replies, or a
fixed split by share). New instructions make a new version and retire the old one, so every
lead keeps the exact text it was answered with and the report compares versions honestly.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.state import client
from console.views.leads_common import when
from console.widgets import call_then_rerun

add_texts(
    {
        "lpv_policy_thompson": {
            "en": "Policy: learning from replies (Thompson sampling). Shares only matter under "
            "the fixed split, chosen on the Profile tab.",
            "ru": "Правило: обучение на ответах (сэмплирование Томпсона). Доли важны только при "
            "фиксированном делении, которое выбирается на вкладке «Профиль».",
        },
        "lpv_policy_fixed": {
            "en": "Policy: fixed split: each lead gets a variant with a chance proportional to "
            "its share.",
            "ru": "Правило: фиксированное деление: лид получает вариант с вероятностью, "
            "пропорциональной его доле.",
        },
        "lpv_name": {"en": "Name", "ru": "Название"},
        "lpv_version": {"en": "Version", "ru": "Версия"},
        "lpv_share": {"en": "Share", "ru": "Доля"},
        "lpv_retired": {"en": "Retired", "ru": "Выведен"},
        "lpv_created": {"en": "Created", "ru": "Создан"},
        "lpv_instructions": {"en": "Instructions", "ru": "Инструкции"},
        "lpv_show_retired": {"en": "Show retired versions", "ru": "Показать выведенные версии"},
        "lpv_empty": {"en": "No prompt variants.", "ru": "Вариантов промпта нет."},
        "lpv_edit": {"en": "Change a variant", "ru": "Изменить вариант"},
        "lpv_pick": {"en": "Variant", "ru": "Вариант"},
        "lpv_instructions_help": {
            "en": "Saving changed instructions makes version {next} and retires this one.",
            "ru": "Сохранение изменённых инструкций создаст версию {next} и выведет эту.",
        },
        "lpv_save": {"en": "Save", "ru": "Сохранить"},
        "lpv_saved": {"en": "Variant saved.", "ru": "Вариант сохранён."},
        "lpv_retire": {"en": "Retire", "ru": "Вывести из работы"},
        "lpv_retired_done": {
            "en": "Variant retired: no new lead gets it.",
            "ru": "Вариант выведен: новые лиды его не получат.",
        },
        "lpv_add": {"en": "Add a variant", "ru": "Добавить вариант"},
        "lpv_add_button": {"en": "Add", "ru": "Добавить"},
        "lpv_added": {"en": "Variant added.", "ru": "Вариант добавлен."},
        "lpv_needs_text": {
            "en": "A variant needs a name and instructions.",
            "ru": "У варианта должны быть название и инструкции.",
        },
        "lpv_viewer": {
            "en": "Recruiters and owners change the prompts.",
            "ru": "Промпты меняют рекрутеры и владельцы.",
        },
    }
)


def variants_section(
    workspace_id: str, profile: dict[str, Any], *, editor: bool, notice_key: str
) -> None:
    """The variants (retired ones on request), then changing and adding (editors)."""
    policy = profile.get("variant_policy", "thompson")
    st.caption(t(f"lpv_policy_{policy}" if policy in ("thompson", "fixed") else "lpv_policy_fixed"))
    retired = st.toggle(t("lpv_show_retired"), key="lpv_show_retired")
    try:
        variants = client().lead_variants(workspace_id, include_retired=retired)
    except ApiFailure as e:
        show_error(e)
        return
    _table(variants)
    if not editor:
        st.caption(t("lpv_viewer"))
        return
    active = [v for v in variants if not v["retired_at"]]
    if active:
        _edit(workspace_id, active, notice_key)
    _add(workspace_id, notice_key)


def _table(variants: list[dict[str, Any]]) -> None:
    if not variants:
        st.info(t("lpv_empty"))
        return
    frame = pd.DataFrame(
        {
            t("lpv_name"): [v["name"] for v in variants],
            t("lpv_version"): [v["version"] for v in variants],
            t("lpv_share"): [v["share"] for v in variants],
            t("lpv_retired"): [when(v["retired_at"]) if v["retired_at"] else "" for v in variants],
            t("lpv_created"): [when(v["created_at"]) for v in variants],
            t("lpv_instructions"): [v["instructions"][:160] for v in variants],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _edit(workspace_id: str, active: list[dict[str, Any]], notice_key: str) -> None:
    st.subheader(t("lpv_edit"))
    names = {v["id"]: f"{v['name']} v{v['version']}" for v in active}
    variant_id = st.selectbox(t("lpv_pick"), list(names), format_func=names.__getitem__,
                              key="lpv_pick")  # fmt: skip
    variant = next(v for v in active if v["id"] == variant_id)
    with st.form(f"lpv_edit_{variant_id}"):
        instructions = st.text_area(
            t("lpv_instructions"), value=variant["instructions"], height=200, max_chars=8000,
            key=f"lpv_instructions_{variant_id}",
            help=t("lpv_instructions_help").format(next=variant["version"] + 1),
        )  # fmt: skip
        share = st.number_input(t("lpv_share"), min_value=0.0, value=float(variant["share"]),
                                step=0.1, key=f"lpv_share_{variant_id}")  # fmt: skip
        if st.form_submit_button(t("lpv_save")):
            fields: dict[str, Any] = {}
            if instructions.strip() and instructions.strip() != variant["instructions"]:
                fields["instructions"] = instructions.strip()
            if share != variant["share"]:
                fields["share"] = share
            if fields:
                call_then_rerun(
                    lambda: client().update_lead_variant(workspace_id, variant_id, **fields),
                    notice_key, t("lpv_saved"),
                )  # fmt: skip
    if st.button(t("lpv_retire"), key="lpv_retire", icon=":material/archive:"):
        call_then_rerun(
            lambda: client().update_lead_variant(workspace_id, variant_id, retired=True),
            notice_key, t("lpv_retired_done"),
        )  # fmt: skip


def _add(workspace_id: str, notice_key: str) -> None:
    st.subheader(t("lpv_add"))
    with st.form("lpv_add_form", clear_on_submit=True):
        name = st.text_input(t("lpv_name"), max_chars=80, key="lpv_new_name")
        instructions = st.text_area(t("lpv_instructions"), max_chars=8000, height=160,
                                    key="lpv_new_instructions")  # fmt: skip
        share = st.number_input(t("lpv_share"), min_value=0.0, value=1.0, step=0.1,
                                key="lpv_new_share")  # fmt: skip
        if st.form_submit_button(t("lpv_add_button")):
            if not (name.strip() and instructions.strip()):
                st.error(t("lpv_needs_text"))
            else:
                call_then_rerun(
                    lambda: client().create_lead_variant(workspace_id, name.strip(),
                                                         instructions.strip(), share),
                    notice_key, t("lpv_added"),
                )  # fmt: skip
