"""Session state keys, initialised once per browser session, and the API client for it."""

from __future__ import annotations

import streamlit as st

from console.api_client import ApiClient, ApiFailure, api_base_url

DEFAULTS = {"token": None, "user": None, "lang": "ru", "workspace_id": None}


def init_state() -> None:
    """Create every key this app reads, so pages never guess."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def client() -> ApiClient:
    """A client carrying the signed-in user's token, if any."""
    return ApiClient(api_base_url(), st.session_state.get("token"))


def sign_out() -> None:
    """End the session on the server (its token stops working everywhere), then forget the
    token and the user; a session that already ended is simply forgotten."""
    if st.session_state.get("token"):
        try:
            client().logout()
        except ApiFailure:
            pass
    for key in ("token", "user", "workspace_id"):
        st.session_state[key] = None
