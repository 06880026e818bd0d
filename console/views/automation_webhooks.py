"""The webhook part of the Automation page: endpoints integrators registered, their deliveries
(status, attempts, the receiver's last answer, sent again on request), and inbound hooks with
the events they brought.

Owners add, pause, delete endpoints and hooks and rotate secrets (a secret is shown once, right
after it is made); recruiters send tests and deliveries again; viewers read.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure, api_base_url
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import plain
from console.state import client
from console.widgets import pick_and_act

add_texts(
    {
        "wh_title": {"en": "Webhooks", "ru": "Вебхуки"},
        "wh_help": {
            "en": "Signed POSTs to your systems when something happens (HMAC-SHA256 over "
            "“timestamp.body” in X-Selectio-Signature, event id in X-Selectio-Event-Id).",
            "ru": "Подписанные POST-запросы в ваши системы о событиях (HMAC-SHA256 по "
            "«timestamp.body» в X-Selectio-Signature, id события в X-Selectio-Event-Id).",
        },
        "wh_none": {"en": "No endpoints yet.", "ru": "Адресов пока нет."},
        "wh_url": {"en": "URL", "ru": "URL"},
        "wh_events": {"en": "Events", "ru": "События"},
        "wh_description": {"en": "Description", "ru": "Описание"},
        "wh_enabled": {"en": "On", "ru": "Вкл."},
        "wh_add": {"en": "Add an endpoint", "ru": "Добавить адрес"},
        "wh_create": {"en": "Add", "ru": "Добавить"},
        "wh_secret_once": {
            "en": "Signing secret of endpoint #{id} — copy it now, it is not shown again:",
            "ru": "Секрет подписи адреса №{id} — скопируйте сейчас, он больше не будет показан:",
        },
        "wh_endpoint": {"en": "Endpoint", "ru": "Адрес"},
        "wh_action": {"en": "Action", "ru": "Действие"},
        "wh_do": {"en": "Apply", "ru": "Выполнить"},
        "wh_ping": {"en": "send a test event", "ru": "отправить тестовое событие"},
        "wh_pause": {"en": "pause", "ru": "приостановить"},
        "wh_resume": {"en": "resume", "ru": "возобновить"},
        "wh_rotate": {"en": "new signing secret", "ru": "новый секрет подписи"},
        "wh_delete": {"en": "delete", "ru": "удалить"},
        "wh_done": {"en": "Done.", "ru": "Готово."},
        "wh_pinged": {
            "en": "A test event is queued: it goes out within seconds.",
            "ru": "Тестовое событие в очереди: уйдёт в течение нескольких секунд.",
        },
        "wh_deliveries": {"en": "Deliveries of", "ru": "Доставки адреса"},
        "wh_no_deliveries": {"en": "No deliveries yet.", "ru": "Доставок пока нет."},
        "wh_status": {"en": "Status", "ru": "Статус"},
        "wh_attempts": {"en": "Attempts", "ru": "Попыток"},
        "wh_answer": {"en": "Last answer", "ru": "Последний ответ"},
        "wh_when": {"en": "Created", "ru": "Создано"},
        "wh_resend": {"en": "Send again", "ru": "Отправить снова"},
        "wh_delivery": {"en": "Delivery", "ru": "Доставка"},
        "wh_resent": {"en": "Queued to be sent again.", "ru": "Поставлено на повторную отправку."},
        "ih_title": {"en": "Inbound webhooks", "ru": "Входящие вебхуки"},
        "ih_help": {
            "en": "Addresses other systems POST signed events to (same signature scheme). Each "
            "event is stored before it is acted on; a repeated event id is ignored.",
            "ru": "Адреса, на которые другие системы отправляют подписанные события (та же "
            "подпись). Событие сохраняется до обработки; повтор id события игнорируется.",
        },
        "ih_none": {"en": "No inbound webhooks yet.", "ru": "Входящих вебхуков пока нет."},
        "ih_add": {"en": "Add an inbound webhook", "ru": "Добавить входящий вебхук"},
        "ih_address": {"en": "Address", "ru": "Адрес"},
        "ih_secret_once": {
            "en": "Address and signing secret of inbound webhook #{id} — copy the secret now:",
            "ru": "Адрес и секрет входящего вебхука №{id} — скопируйте секрет сейчас:",
        },
        "ih_events": {"en": "Events received", "ru": "Полученные события"},
        "ih_no_events": {"en": "No events received yet.", "ru": "Событий пока не было."},
        "ih_hook": {"en": "Webhook", "ru": "Вебхук"},
        "ih_event_id": {"en": "Event id", "ru": "Id события"},
        "ih_size": {"en": "Bytes", "ru": "Байт"},
        "ih_received": {"en": "Received", "ru": "Получено"},
    }
)
SECRET = "wh_secret"  # session key: (text key, id, lines to show once)
NOTICE = "wh_notice"


def webhooks_section(workspace_id: str, role: str) -> None:
    """Both halves, for the chosen workspace."""
    if shown := st.session_state.pop(SECRET, None):
        key, item_id, lines = shown
        st.warning(t(key).format(id=item_id))
        st.code("\n".join(lines), language=None)
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    try:
        endpoints = client().webhooks(workspace_id)
        hooks = client().inbound_hooks(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    _endpoints(workspace_id, endpoints, role)
    _inbound(workspace_id, hooks, role)


def _when(value: Any) -> str:
    return str(value)[:16].replace("T", " ") if value else "—"


def _done(call: Any, notice: str | None = None) -> Any:
    try:
        result = call()
    except ApiFailure as e:
        show_error(e)
        return None
    if notice:
        st.session_state[NOTICE] = notice
    return result if result is not None else True


def _endpoints(workspace_id: str, rows: list[dict[str, Any]], role: str) -> None:
    st.subheader(t("wh_title"))
    st.caption(t("wh_help"))
    if rows:
        frame = pd.DataFrame(
            {
                "#": [r["id"] for r in rows],
                t("wh_url"): [r["url"] for r in rows],
                t("wh_events"): [", ".join(r["events"]) for r in rows],
                t("wh_description"): [r["description"] for r in rows],
                t("wh_enabled"): ["✓" if r["enabled"] else "—" for r in rows],
            }
        )
        st.dataframe(frame, hide_index=True, width="stretch")
    else:
        st.caption(t("wh_none"))
    if role == "owner":
        _add_endpoint(workspace_id)
    if not rows:
        return
    labels = {r["id"]: f"#{r['id']} · {r['url']}" for r in rows}
    if role in ("owner", "recruiter"):
        _endpoint_actions(workspace_id, rows, labels, owner=role == "owner")
    _deliveries(workspace_id, labels, editor=role in ("owner", "recruiter"))


def _add_endpoint(workspace_id: str) -> None:
    with st.expander(t("wh_add")), st.form("wh_add_form", clear_on_submit=True):
        url = st.text_input(t("wh_url"), placeholder="https://example.com/selectio", key="wh_url")
        kinds = client().webhook_events()
        events = st.multiselect(t("wh_events"), kinds, default=kinds, key="wh_ev")
        description = st.text_input(t("wh_description"), key="wh_desc", max_chars=200)
        if not st.form_submit_button(t("wh_create")):
            return
    made = _done(lambda: client().create_webhook(workspace_id, url.strip(), events, description))
    if made:
        st.session_state[SECRET] = ("wh_secret_once", made["id"], [made["secret"]])
        st.rerun()


def _endpoint_actions(
    workspace_id: str, rows: list[dict[str, Any]], labels: dict[int, str], *, owner: bool
) -> None:
    endpoint_id = st.selectbox(
        t("wh_endpoint"), list(labels), format_func=labels.__getitem__, key="wh_pick"
    )
    row = next(r for r in rows if r["id"] == endpoint_id)
    actions = {"ping": t("wh_ping")}
    if owner:
        actions |= {
            "toggle": t("wh_pause") if row["enabled"] else t("wh_resume"),
            "rotate": t("wh_rotate"),
            "delete": t("wh_delete"),
        }
    action = pick_and_act(
        t("wh_action"), actions, key="wh_action", action=t("wh_do"), action_key="wh_do"
    )
    api = client()
    if action == "ping":
        done = _done(lambda: api.ping_webhook(workspace_id, endpoint_id), t("wh_pinged"))
    elif action == "toggle":
        done = _done(
            lambda: api.update_webhook(workspace_id, endpoint_id, enabled=not row["enabled"]),
            t("wh_done"),
        )
    elif action == "rotate":
        made = _done(lambda: api.rotate_webhook_secret(workspace_id, endpoint_id))
        if made:
            st.session_state[SECRET] = ("wh_secret_once", endpoint_id, [made["secret"]])
        done = made
    elif action == "delete":
        done = _done(lambda: api.delete_webhook(workspace_id, endpoint_id), t("wh_done"))
    else:
        return
    if done:
        st.rerun()


def _deliveries(workspace_id: str, labels: dict[int, str], *, editor: bool) -> None:
    endpoint_id = st.session_state.get("wh_pick") or next(iter(labels))
    st.markdown(f"**{t('wh_deliveries')} {plain(labels.get(endpoint_id, ''))}**")
    try:
        rows = client().webhook_deliveries(workspace_id, endpoint_id)
    except ApiFailure as e:
        show_error(e)
        return
    if not rows:
        st.caption(t("wh_no_deliveries"))
        return
    frame = pd.DataFrame(
        {
            "#": [r["id"] for r in rows],
            t("wh_events"): [r["event"] for r in rows],
            t("wh_status"): [r["status"] for r in rows],
            t("wh_attempts"): [r["attempts"] for r in rows],
            t("wh_answer"): [r["response"] or r["last_error"] or "" for r in rows],
            t("wh_when"): [_when(r["created_at"]) for r in rows],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    resendable = {
        r["id"]: f"#{r['id']} · {r['event']} · {r['status']}"
        for r in rows
        if r["status"] in ("sent", "failed", "cancelled")
    }
    if not editor or not resendable:
        return
    delivery_id = pick_and_act(
        t("wh_delivery"), resendable, key="wh_delivery", action=t("wh_resend"),
        action_key="wh_resend",
    )  # fmt: skip
    if delivery_id is not None and _done(
        lambda: client().resend_delivery(workspace_id, delivery_id), t("wh_resent")
    ):
        st.rerun()


def _inbound(workspace_id: str, hooks: list[dict[str, Any]], role: str) -> None:
    st.subheader(t("ih_title"))
    st.caption(t("ih_help"))
    base = api_base_url().rstrip("/")
    if hooks:
        frame = pd.DataFrame(
            {
                "#": [h["id"] for h in hooks],
                t("ih_address"): [base + h["path"] for h in hooks],
                t("wh_description"): [h["description"] for h in hooks],
                t("wh_enabled"): ["✓" if h["enabled"] else "—" for h in hooks],
            }
        )
        st.dataframe(frame, hide_index=True, width="stretch")
    else:
        st.caption(t("ih_none"))
    if role == "owner":
        _inbound_admin(workspace_id, hooks, base)
    if not hooks:
        return
    try:
        events = client().inbound_events(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    st.markdown(f"**{t('ih_events')}**")
    if not events:
        st.caption(t("ih_no_events"))
        return
    frame = pd.DataFrame(
        {
            t("ih_hook"): [f"#{e['hook_id']}" for e in events],
            t("ih_event_id"): [e["event_id"] for e in events],
            t("wh_status"): [e["status"] for e in events],
            t("ih_size"): [e["size"] for e in events],
            t("ih_received"): [_when(e["received_at"]) for e in events],
            t("au_error"): [e["error"] or "" for e in events],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _inbound_admin(workspace_id: str, hooks: list[dict[str, Any]], base: str) -> None:
    with st.expander(t("ih_add")), st.form("ih_add_form", clear_on_submit=True):
        description = st.text_input(t("wh_description"), key="ih_desc", max_chars=200)
        if st.form_submit_button(t("wh_create")):
            made = _done(lambda: client().create_inbound_hook(workspace_id, description))
            if made:
                lines = [base + made["path"], made["secret"]]
                st.session_state[SECRET] = ("ih_secret_once", made["id"], lines)
                st.rerun()
    if not hooks:
        return
    labels = {h["id"]: f"#{h['id']} · {h['description'] or h['public_id'][:16]}" for h in hooks}
    hook_id = st.selectbox(
        t("ih_hook"), list(labels), format_func=labels.__getitem__, key="ih_pick"
    )
    hook = next(h for h in hooks if h["id"] == hook_id)
    actions = {"toggle": t("wh_pause") if hook["enabled"] else t("wh_resume"),
               "delete": t("wh_delete")}  # fmt: skip
    action = pick_and_act(
        t("wh_action"), actions, key="ih_action", action=t("wh_do"), action_key="ih_do"
    )
    api = client()
    if action == "toggle":
        done = _done(
            lambda: api.set_inbound_hook_enabled(workspace_id, hook_id, not hook["enabled"]),
            t("wh_done"),
        )
    elif action == "delete":
        done = _done(lambda: api.delete_inbound_hook(workspace_id, hook_id), t("wh_done"))
    else:
        return
    if done:
        st.rerun()
