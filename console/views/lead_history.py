"""A lead's meetings (Calendly's or the booking link's) and its history, newest first: every
message in and out, status move, note, owner change and rating, with who did it and when."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.i18n import TEXTS, add_texts, t
from console.views.leads_common import status_label, when

add_texts(
    {
        "lh_meetings": {"en": "Meetings", "ru": "Встречи"},
        "lh_no_meetings": {"en": "No meetings yet.", "ru": "Встреч пока нет."},
        "lh_mt_link_sent": {"en": "link sent", "ru": "ссылка отправлена"},
        "lh_mt_scheduled": {"en": "scheduled", "ru": "назначена"},
        "lh_mt_canceled": {"en": "canceled", "ru": "отменена"},
        "lh_meeting_at": {"en": "{start} – {end} ({tz})", "ru": "{start} – {end} ({tz})"},
        "lh_booking": {"en": "Booking link", "ru": "Ссылка для записи"},
        "lh_canceled_why": {"en": "Canceled: {reason}", "ru": "Отменена: {reason}"},
        "lh_history": {"en": "History", "ru": "История"},
        "lh_when": {"en": "When", "ru": "Когда"},
        "lh_who": {"en": "Who", "ru": "Кто"},
        "lh_what": {"en": "What", "ru": "Что"},
        "lh_details": {"en": "Details", "ru": "Подробности"},
        "lh_ev_created": {"en": "found", "ru": "найден"},
        "lh_ev_analysed": {"en": "analysed", "ru": "проанализирован"},
        "lh_ev_status": {"en": "moved", "ru": "переведён"},
        "lh_ev_message_out": {"en": "response sent", "ru": "отклик отправлен"},
        "lh_ev_message_in": {"en": "reply received", "ru": "получен ответ"},
        "lh_ev_note": {"en": "note", "ru": "заметка"},
        "lh_ev_meeting": {"en": "meeting", "ru": "встреча"},
        "lh_ev_assigned": {"en": "owner changed", "ru": "сменён ответственный"},
        "lh_ev_rated": {"en": "rated", "ru": "оценён"},
        "lh_ev_duplicate": {"en": "duplicate", "ru": "дубликат"},
    }
)
LONGEST = 400  # characters of a message shown in the table; the rest is in the message itself


def meetings_section(meetings: list[dict[str, Any]]) -> None:
    st.subheader(t("lh_meetings"))
    if not meetings:
        st.caption(t("lh_no_meetings"))
        return
    for meeting in meetings:
        status = meeting["status"]
        label = t(f"lh_mt_{status}") if f"lh_mt_{status}" in TEXTS else status
        who = " ".join(filter(None, (meeting.get("invitee_name"), meeting.get("invitee_email"))))
        lines = [f"**{label}**" + (f" · {who}" if who else "")]
        if meeting.get("start_at"):
            start, end = when(meeting["start_at"]), when(meeting.get("end_at"))[11:]
            zone = meeting.get("timezone") or "UTC"
            lines.append(t("lh_meeting_at").format(start=start, end=end, tz=zone))
        if meeting.get("booking_url"):
            lines.append(f"[{t('lh_booking')}]({meeting['booking_url']})")
        if meeting.get("cancel_reason"):
            lines.append(t("lh_canceled_why").format(reason=meeting["cancel_reason"]))
        with st.container(border=True):
            st.markdown("  \n".join(lines))


def history_section(events: list[dict[str, Any]], members: dict[int, str]) -> None:
    """The events as a table, newest first (the API lists them oldest first)."""
    st.subheader(t("lh_history"))
    rows = sorted(events, key=lambda e: (e["created_at"], e["id"]), reverse=True)
    frame = pd.DataFrame(
        {
            t("lh_when"): [when(e["created_at"]) for e in rows],
            t("lh_who"): [_who(e["actor_user_id"], members) for e in rows],
            t("lh_what"): [_kind(e["kind"]) for e in rows],
            t("lh_details"): [_details(e, members) for e in rows],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _who(user_id: int | None, members: dict[int, str]) -> str:
    if user_id is None:
        return t("lc_system")
    return members.get(user_id, f"#{user_id}")


def _kind(kind: str) -> str:
    key = f"lh_ev_{kind}"
    return t(key) if key in TEXTS else kind


def _details(event: dict[str, Any], members: dict[int, str]) -> str:
    data = event.get("data") or {}
    body = str(event.get("body") or "")
    if event["kind"] == "status" and "to" in data:
        move = f"{status_label(str(data.get('from', '')))} → {status_label(str(data['to']))}"
        return f"{move}: {body}" if body else move
    if event["kind"] == "assigned":
        owner = data.get("owner_user_id")
        return members.get(owner, f"#{owner}") if owner else t("lc_nobody")
    if event["kind"] == "rated" and data.get("quality"):
        return "★" * int(data["quality"])
    return body if len(body) <= LONGEST else body[:LONGEST] + "…"
