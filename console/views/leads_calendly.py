"""Calendly for lead meetings, on the Connections tab of the lead-gen settings: whether its
personal access token and webhook signing key are set (never the values: the API keeps them
sealed and never returns them), the webhook URL, setting both keys (the API subscribes that URL
to Calendly's invitee events with them, so Calendly must accept the token) and forgetting them.

The event type and the meeting time zone are part of the profile (its form, first tab).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import TEXTS, add_texts, t
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
            "en": "Calendly's webhooks come to this address: saving the keys subscribes it to "
            "invitee.created and invitee.canceled, signed with your signing key.",
            "ru": "Вебхуки Calendly приходят на этот адрес: при сохранении ключей он "
            "подписывается на invitee.created и invitee.canceled с вашим ключом подписи.",
        },
        "lcal_keys": {"en": "Set the keys", "ru": "Задать ключи"},
        "lcal_keys_help": {
            "en": "The token: Calendly → Integrations → API and webhooks. The signing key: any "
            "secret of 8+ characters you choose. Kept encrypted and never shown again; enter "
            "both to replace them.",
            "ru": "Токен: Calendly → Integrations → API and webhooks. Ключ подписи: любой "
            "секрет от 8 символов на ваш выбор. Хранятся зашифрованными и больше не "
            "показываются; для замены введите оба.",
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
        "lcal_calendly_unauthorized": {
            "en": "Calendly refused the token: create a new personal access token and try again.",
            "ru": "Calendly не принял токен: создайте новый персональный токен и повторите.",
        },
        "lcal_calendly_unavailable": {
            "en": "Calendly cannot be reached right now; nothing was saved. Try again later.",
            "ru": "Calendly сейчас недоступен; ничего не сохранено. Повторите позже.",
        },
        "lcal_calendly_rate_limited": {
            "en": "Calendly asks to slow down; nothing was saved. Try again in a minute.",
            "ru": "Calendly просит подождать; ничего не сохранено. Повторите через минуту.",
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
        if token.strip() and signing_key.strip():
            _connect(workspace_id, token.strip(), signing_key.strip(), notice_key)
        else:
            st.error(t("lcal_both"))
    connected = profile["has_calendly_token"] or profile["has_calendly_signing_key"]
    if connected and st.button(t("lcal_forget"), key="lcal_forget", icon=":material/link_off:"):
        call_then_rerun(lambda: client().forget_calendly(workspace_id), notice_key,
                        t("lcal_forgotten"))  # fmt: skip


def _connect(workspace_id: str, token: str, signing_key: str, notice_key: str) -> None:
    """Calendly is asked first (the webhook subscription); its refusal said in our words."""
    try:
        client().set_calendly(workspace_id, token, signing_key)
    except ApiFailure as e:
        if f"lcal_{e.code}" in TEXTS:
            st.error(t(f"lcal_{e.code}"))
        else:
            show_error(e)
        return
    st.session_state[notice_key] = t("lcal_saved")
    st.rerun()
