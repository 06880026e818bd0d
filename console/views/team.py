"""Team & access page: the invitations addressed to you (accept or decline), then the chosen
workspace's members. Owners also change roles and remove members (after a confirmation),
invite, revoke pending invitations, and in their own sections manage API keys and read the
audit log (console.views.team_access); recruiters and viewers see the member list only.

Nothing here is cached: every button changes what the next read shows. Buttons act in
callbacks and leave their outcome under NOTICE for the rerun to show, like the interviews page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import error_text, show_error
from console.i18n import add_texts, t
from console.state import client
from console.views.team_access import NOTICE, audit_section, keys_section, labels
from console.workspace_picker import pick_workspace

add_texts(
    {
        "tm_title": {"en": "Team & access", "ru": "Команда и доступ"},
        "tm_section": {"en": "Section", "ru": "Раздел"},
        "tm_sec_members": {"en": "Members", "ru": "Участники"},
        "tm_sec_keys": {"en": "API keys", "ru": "API-ключи"},
        "tm_sec_audit": {"en": "Audit log", "ru": "Журнал действий"},
        "tm_manage": {"en": "Change a member", "ru": "Изменить участника"},
        "tm_member": {"en": "Member", "ru": "Участник"},
        "tm_new_role": {"en": "New role", "ru": "Новая роль"},
        "tm_set_role": {"en": "Change role", "ru": "Сменить роль"},
        "tm_role_set": {
            "en": "{member} is now {role}.",
            "ru": "Роль участника {member}: {role}.",
        },
        "tm_confirm_remove": {
            "en": "I understand: this member loses access to the workspace",
            "ru": "Понимаю: участник потеряет доступ к рабочему пространству",
        },
        "tm_remove": {"en": "Remove from workspace", "ru": "Удалить из пространства"},
        "tm_removed": {"en": "{member} was removed.", "ru": "Участник {member} удалён."},
        "tm_tick_first": {
            "en": "Tick “I understand” first.",
            "ru": "Сначала отметьте «Понимаю».",
        },
        "tm_last_owner": {
            "en": "A workspace must keep at least one owner: make another member an owner first.",
            "ru": "В рабочем пространстве должен остаться хотя бы один владелец: сначала "
            "назначьте владельцем другого участника.",
        },
        "tm_owners_manage": {
            "en": "Only owners change roles, invite people, manage API keys and read the audit "
            "log.",
            "ru": "Менять роли, приглашать, управлять API-ключами и читать журнал действий "
            "могут только владельцы.",
        },
    }
)

REVOKE = "revoke_choice"  # session key: the invitation chosen for revoking
ROLES = ("recruiter", "viewer", "owner")  # the invite form's choices, most common first
SECTIONS = ("tm_sec_members", "tm_sec_keys", "tm_sec_audit")  # what an owner can open


def team_page() -> None:
    """Own invitations first (they matter most to someone in no workspace yet), then the team;
    owners choose a section: members and invitations, API keys, or the audit log."""
    st.title(t("tm_title"))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        getattr(st, notice[0])(notice[1])
    _own_invitations()
    chosen = pick_workspace("team_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    if role != "owner":
        _members(workspace_id, owner=False)
        st.caption(t("tm_owners_manage"))
        return
    section = st.radio(
        t("tm_section"), SECTIONS, format_func=labels(SECTIONS), key="team_section",
        horizontal=True, label_visibility="collapsed",
    )  # fmt: skip
    if section == "tm_sec_keys":
        keys_section(workspace_id)
    elif section == "tm_sec_audit":
        members = _members(workspace_id, owner=False, shown=False)
        audit_section(workspace_id, members)
    else:
        _members(workspace_id, owner=True)
        _invite_form(workspace_id)
        _pending(workspace_id)


def _own_invitations() -> None:
    st.subheader(t("your_invitations"))
    try:
        received = client().my_invitations()
    except ApiFailure as e:
        show_error(e)
        return
    if not received:
        st.info(t("no_invitations"))
        return
    for invitation in received:
        line = t("invitation_line").format(
            workspace=invitation["workspace_name"],
            role=t(invitation["role"]),
            inviter=invitation["invited_by_email"] or "—",
            expires=_when(invitation["expires_at"]),
        )
        text, accept, decline = st.columns([6, 1, 1], vertical_alignment="center")
        text.markdown(line)
        key = invitation["id"]
        accept.button(t("accept"), key=f"accept_{key}", on_click=_answer, args=(invitation, True))
        decline.button(
            t("decline"), key=f"decline_{key}", on_click=_answer, args=(invitation, False)
        )


def _answer(invitation: dict[str, Any], accept: bool) -> None:
    """Accept or decline, then remember the outcome for the rerun."""
    try:
        if accept:
            joined = client().accept_invitation(invitation["id"])
            st.session_state[NOTICE] = ("success", t("joined").format(workspace=joined["name"]))
        else:
            client().decline_invitation(invitation["id"])
            st.session_state[NOTICE] = ("info", t("declined"))
    except ApiFailure as e:
        st.session_state[NOTICE] = ("error", error_text(e))


def _members(workspace_id: str, *, owner: bool, shown: bool = True) -> list[dict[str, Any]]:
    """The member table (with the change and remove controls for an owner); the members."""
    try:
        rows = client().members(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return []
    if not shown:
        return rows
    st.subheader(t("team_members"))
    _table(rows, {"full_name": "name", "email": "email", "role": "member_role"})
    if owner and rows:
        _manage(workspace_id, rows)
    return rows


def _manage(workspace_id: str, rows: list[dict[str, Any]]) -> None:
    """Change one member's role, or remove them once "I understand" is ticked."""
    st.markdown(f"**{t('tm_manage')}**")
    names = {r["user_id"]: _who(r) for r in rows}
    who, role, button = st.columns([3, 2, 2], vertical_alignment="bottom")
    who.selectbox(t("tm_member"), list(names), format_func=names.__getitem__, key="tm_pick")
    role.selectbox(t("tm_new_role"), ROLES, format_func=labels(ROLES), key="tm_role")
    button.button(
        t("tm_set_role"), key="tm_set_role", on_click=_set_role, args=(workspace_id, names)
    )
    tick, remove = st.columns([5, 2], vertical_alignment="center")
    confirmed = tick.checkbox(t("tm_confirm_remove"), key="tm_confirm")
    remove.button(
        t("tm_remove"), key="tm_remove", disabled=not confirmed, on_click=_remove,
        args=(workspace_id, names),
    )  # fmt: skip


def _set_role(workspace_id: str, names: dict[int, str]) -> None:
    user_id, role = st.session_state["tm_pick"], st.session_state["tm_role"]
    try:
        client().set_member_role(workspace_id, user_id, role)
    except ApiFailure as e:
        st.session_state[NOTICE] = ("error", _member_error(e))
        return
    st.session_state[NOTICE] = (
        "success", t("tm_role_set").format(member=names[user_id], role=t(role))
    )  # fmt: skip


def _remove(workspace_id: str, names: dict[int, str]) -> None:
    if not st.session_state.get("tm_confirm"):
        st.session_state[NOTICE] = ("warning", t("tm_tick_first"))
        return
    user_id = st.session_state["tm_pick"]
    st.session_state["tm_confirm"] = False  # every removal asks again
    try:
        client().remove_member(workspace_id, user_id)
    except ApiFailure as e:
        st.session_state[NOTICE] = ("error", _member_error(e))
        return
    st.session_state[NOTICE] = ("success", t("tm_removed").format(member=names[user_id]))


def _member_error(failure: ApiFailure) -> str:
    return t("tm_last_owner") if failure.code == "last_owner" else error_text(failure)


def _who(member: dict[str, Any]) -> str:
    name = member.get("full_name") or ""
    return f"{name} <{member['email']}>" if name else member["email"]


def _invite_form(workspace_id: str) -> None:
    st.subheader(t("invite"))
    with st.form("invite_form", clear_on_submit=True):
        email = st.text_input(t("email"), key="invite_email")
        role = st.selectbox(t("member_role"), ROLES, format_func=labels(ROLES), key="invite_role")
        submitted = st.form_submit_button(t("invite_button"))
    st.caption(t("invite_help"))
    if submitted and email.strip():
        try:
            sent = client().invite(workspace_id, email.strip(), role)
        except ApiFailure as e:
            show_error(e)
            return
        st.success(t("invite_sent").format(email=sent["email"], expires=_when(sent["expires_at"])))


def _pending(workspace_id: str) -> None:
    st.subheader(t("pending_invitations"))
    try:
        rows = client().invitations(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    if not rows:
        st.info(t("no_pending_invitations"))
        return
    _table(rows, {"email": "email", "role": "member_role", "status": "status",
                  "expires_at": "expires"})  # fmt: skip
    labels = {r["id"]: r["email"] for r in rows}
    st.selectbox(t("invitation"), list(labels), format_func=labels.__getitem__, key=REVOKE)
    st.button(t("revoke"), key="revoke", on_click=_revoke, args=(workspace_id,))


def _revoke(workspace_id: str) -> None:
    # The choice is read when the button fires, not bound when the button was drawn.
    try:
        client().revoke_invitation(workspace_id, st.session_state[REVOKE])
        st.session_state[NOTICE] = ("info", t("revoked"))
    except ApiFailure as e:
        st.session_state[NOTICE] = ("error", error_text(e))


def _table(rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
    """Rows with roles and statuses translated and times shortened to the minute."""
    if not rows:
        return
    frame = pd.DataFrame(rows)[list(columns)]
    for column in {"role", "status"} & set(columns):
        frame[column] = frame[column].map(t)
    if "expires_at" in columns:
        frame["expires_at"] = frame["expires_at"].map(_when)
    st.dataframe(frame.rename(columns={k: t(v) for k, v in columns.items()}), hide_index=True)


def _when(iso: str) -> str:
    """An API timestamp as 'YYYY-MM-DD HH:MM' (UTC, as the API gives it)."""
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
