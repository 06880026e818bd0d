"""Selectio recruiter console (Streamlit): `streamlit run console/app.py`.

Builds the navigation from the page functions in console.views; signed-out users see only
sign-in. The page modules live in `views/`, not `pages/`: Streamlit treats a `pages/` folder
beside the entry script as a legacy multipage app, which fights `st.navigation` on reruns.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Streamlit runs this file as a script; make the project importable when it is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from console.i18n import t  # noqa: E402
from console.state import init_state, sign_out  # noqa: E402
from console.views.interviews import interviews_page  # noqa: E402
from console.views.login import login_page  # noqa: E402
from console.views.team import team_page  # noqa: E402
from console.views.workspaces import workspaces_page  # noqa: E402

st.set_page_config(page_title="Selectio", page_icon="🎯", layout="wide")
init_state()

with st.sidebar:
    st.radio(
        "Язык / Language",
        ["ru", "en"],
        format_func={"ru": "Русский", "en": "English"}.__getitem__,
        key="lang",
        horizontal=True,
    )
    if st.session_state["user"]:
        st.caption(f"{t('signed_in_as')} {st.session_state['user']['email']}")
        if st.button(t("sign_out")):
            sign_out()
            st.rerun()

if st.session_state["token"]:
    pages = [
        st.Page(workspaces_page, title=t("workspaces"), icon="🏢", url_path="workspaces"),
        st.Page(interviews_page, title=t("interviews"), icon="🎙️", url_path="interviews"),
        st.Page(team_page, title=t("team"), icon="👥", url_path="team"),
    ]
else:
    pages = [st.Page(login_page, title=t("sign_in"), icon="🔑", url_path="login")]
st.navigation(pages).run()
