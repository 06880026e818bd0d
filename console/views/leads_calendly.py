"""Calendly for lead meetings, a tab of the lead-gen settings: whether its personal access
token and webhook signing key are set (never the values: the API keeps them sealed and never
returns them), the webhook URL to paste into Calendly, setting both keys and forgetting them.

The event type and the meeting time zone are part of the profile (its form, first tab).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from console.i18n import add_texts, t
from console.state import client
from console.widgets import call_then_rerun

add_texts(
    {
        "lcal_help": {
            "en": "With Calendly connected, each response offers a one-off scheduling link for "
            "your event type, and a booked or cancelled meeting moves the lead by itself. "
            "Without it, the profile's plain booking link is offered.",
            "ru": "С подключённым Calendly каждый отклик предлагает разовую ссылку на запись к "
            "вашему типу события, а назначенная или отменённая встреча сама переводит лид. "
            "Без него предлагается обычная ссылка для записи из профиля.",
        },
        "lcal_token": {"en": "Personal access token", "ru": "Персональный токен доступа"},
        "lcal_signing_key": {"en": "Webhook signing key", "ru": "Ключ подписи вебхуков"},
        "lcal_set": {"en": "set", "ru": "задан"},
        "lcal_not_set": {"en": "not set", "ru": "не задан"},
        "lcal_webhook": {
            "en": "Webhook URL: create a Calendly webhook subscription to it for "
            "invitee.created and invitee.canceled, and enter its signing key below.",
            "ru": "URL вебхука: создайте в Calendly подписку на него для invitee.created и "
            "invitee.canceled и введите ниже её ключ подписи.",
        },
        "lcal_keys": {"en": "Set the keys", "ru": "Задать ключи"},
        "lcal_keys_help": {
            "en": "Kept encrypted and never shown again; enter both to replace them.",
            "ru": "Хранятся зашифрованными и больше не показываются; для замены введите оба.",
        },
        "lcal_save": {"en": "Save the keys", "ru": "Сохранить ключи"},
        "lcal_saved": {"en": "Calendly keys saved.", "ru": "Ключи Calendly сохранены."},
        "lcal_both": {
            "en": "Enter both the token and the signing key.",
            "ru": "Введите и токен, и ключ подписи.",
        },
        "lcal_forget": {"en": "Forget Calendly", "ru": "Отключить Calendly"},
        "lcal_forgotten": {
            "en": "Calendly forgotten: the booking link is offered from now on.",
            "ru": "Calendly отключён: теперь предлагается ссылка для записи.",
        },
        "lcal_owner_only": {
            "en": "Only the workspace's owners connect Calendly.",
            "ru": "Calendly подключают только владельцы пространства.",
        },
    }
)


def calendly_section(
    workspace_id: str, profile: dict[str, Any], *, owner: bool, notice_key: str
) -> None:
    """What is set, where Calendly must send its webhooks, and the owners' controls."""
    st.caption(t("lcal_help"))
    for label, flag in (("lcal_token", "has_calendly_token"),
                        ("lcal_signing_key", "has_calendly_signing_key")):  # fmt: skip
        state = t("lcal_set") if profile[flag] else t("lcal_not_set")
        icon = "✅" if profile[flag] else "▫️"
        st.markdown(f"{icon} **{t(label)}:** {state}")
    st.markdown(t("lcal_webhook"))
    st.code(profile["calendly_webhook_url"], language=None)
    if not owner:
        st.caption(t("lcal_owner_only"))
        return
    with st.form("lcal_form", clear_on_submit=True):
        st.markdown(f"**{t('lcal_keys')}**", help=t("lcal_keys_help"))
        token = st.text_input(t("lcal_token"), type="password", key="lcal_token_in",
                              max_chars=4000)  # fmt: skip
        signing_key = st.text_input(t("lcal_signing_key"), type="password",
                                    key="lcal_signing_key_in", max_chars=400)  # fmt: skip
        submitted = st.form_submit_button(t("lcal_save"))
    if submitted:
        if not (token.strip() and signing_key.strip()):
            st.error(t("lcal_both"))
        else:
            call_then_rerun(
                lambda: client().set_calendly(workspace_id, token.strip(), signing_key.strip()),
                notice_key, t("lcal_saved"),
            )  # fmt: skip
    connected = profile["has_calendly_token"] or profile["has_calendly_signing_key"]
    if connected and st.button(t("lcal_forget"), key="lcal_forget", icon=":material/link_off:"):
        call_then_rerun(lambda: client().forget_calendly(workspace_id), notice_key,
                        t("lcal_forgotten"))  # fmt: skip
