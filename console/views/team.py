"""Team page: the invitations addressed to you (accept or decline), then the chosen workspace's
members and, for owners, the invite form and the pending invitations they can revoke.

Nothing here is cached: every button changes what the next read shows. Buttons act in
callbacks and leave their outcome under NOTICE for the rerun to show, like the interviews page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.i18n import t
from console.state import client
from console.workspace_picker import pick_workspace

NOTICE = "team_notice"  # session key: (kind, text) of the last action's outcome
REVOKE = "revoke_choice"  # session key: the invitation chosen for revoking
ROLES = ("recruiter", "viewer", "owner")  # the invite form's choices, most common first


def team_page() -> None:
    """Own invitations first (they matter most to someone in no workspace yet), then the team."""
    st.title(t("team"))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        getattr(st, notice[0])(notice[1])
    _own_invitations()
    chosen = pick_workspace("team_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    _members(workspace_id)
    if role != "owner":
        st.caption(t("owners_invite"))
        return
    _invite_form(workspace_id)
    _pending(workspace_id)


def _own_invitations() -> None:
    st.subheader(t("your_invitations"))
    try:
        received = client().my_invitations()
    except ApiFailure as e:
        st.error(e.message)
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
        st.session_state[NOTICE] = ("error", e.message)


def _members(workspace_id: str) -> None:
    st.subheader(t("team_members"))
    try:
        rows = client().members(workspace_id)
    except ApiFailure as e:
        st.error(e.message)
        return
    _table(rows, {"full_name": "name", "email": "email", "role": "member_role"})


def _invite_form(workspace_id: str) -> None:
    st.subheader(t("invite"))
    with st.form("invite_form", clear_on_submit=True):
        email = st.text_input(t("email"), key="invite_email")
        role = st.selectbox(t("member_role"), ROLES, format_func=t, key="invite_role")
        submitted = st.form_submit_button(t("invite_button"))
    st.caption(t("invite_help"))
    if submitted and email.strip():
        try:
            sent = client().invite(workspace_id, email.strip(), role)
        except ApiFailure as e:
            st.error(e.message)
            return
        st.success(t("invite_sent").format(email=sent["email"], expires=_when(sent["expires_at"])))


def _pending(workspace_id: str) -> None:
    st.subheader(t("pending_invitations"))
    try:
        rows = client().invitations(workspace_id)
    except ApiFailure as e:
        st.error(e.message)
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
        st.session_state[NOTICE] = ("error", e.message)


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
