"""Sign-in page: email and password exchanged for an API token."""

from __future__ import annotations

import streamlit as st

from console.api_client import ApiFailure
from console.errors import error_text
from console.i18n import t
from console.state import client, signed_in


def login_page() -> None:
    """Ask for credentials; on success remember the token and reload into the app."""
    st.title(t("app_title"))
    st.subheader(t("sign_in"))
    if st.session_state.get("notice"):
        st.info(t(st.session_state["notice"]))
    with st.form("login"):
        email = st.text_input(t("email"), key="login_email")
        password = st.text_input(t("password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("sign_in_button"))
    if submitted:
        try:
            answer = client().login(email.strip(), password)
        except ApiFailure as e:
            st.error(f"{t('login_failed')}: {error_text(e)}")
            return
        signed_in(answer)
        st.rerun()  # the URL keeps its path: a deep link lands on its page
