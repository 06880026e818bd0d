"""The workspace selector every console page starts with: the user's workspaces, the one
chosen last (shared across pages through the session), and the user's role in it."""

from __future__ import annotations

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import t
from console.state import client, sign_out


def pick_workspace(key: str) -> tuple[str, str] | None:
    """(workspace id, role) of the chosen workspace; None after showing why there is none."""
    try:
        me = client().me()
    except ApiFailure as e:
        if e.status == 401:
            sign_out()
            st.rerun()
        show_error(e)
        return None
    spaces = me["workspaces"]
    if not spaces:
        st.info(t("no_workspaces"))
        return None
    labels = {w["id"]: f"{w['name']} ({w['slug']})" for w in spaces}
    ids = list(labels)
    current = st.session_state.get("workspace_id")
    chosen = st.selectbox(
        t("workspace"),
        ids,
        index=ids.index(current) if current in ids else 0,
        format_func=labels.__getitem__,
        key=key,
    )
    st.session_state["workspace_id"] = chosen
    role = next(w["role"] for w in spaces if w["id"] == chosen)
    st.caption(f"{t('role')}: {t(role)}")
    return chosen, role
