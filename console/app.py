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

from console.api_client import ApiFailure  # noqa: E402
from console.i18n import t  # noqa: E402
from console.state import (  # noqa: E402
    client,
    init_state,
    keep_choices,
    language_changed,
    sign_out,
)
from console.views.automation import automation_page  # noqa: E402
from console.views.candidate import candidate_page  # noqa: E402
from console.views.candidates import candidates_page  # noqa: E402
from console.views.conversations import conversations_page  # noqa: E402
from console.views.dashboard import dashboard_page  # noqa: E402
from console.views.inbox import inbox_page  # noqa: E402
from console.views.integrations import integrations_page  # noqa: E402
from console.views.interviews import interviews_page  # noqa: E402
from console.views.lead_detail import lead_page  # noqa: E402
from console.views.leads import leads_page  # noqa: E402
from console.views.leads_settings import leads_settings_page  # noqa: E402
from console.views.live import live_page  # noqa: E402
from console.views.login import login_page  # noqa: E402
from console.views.search import search_page  # noqa: E402
from console.views.settings import settings_page  # noqa: E402
from console.views.team import team_page  # noqa: E402
from console.views.telegram import telegram_page  # noqa: E402
from console.views.vacancies import vacancies_page  # noqa: E402
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
        on_change=language_changed,
    )
    keep_choices()
    if st.session_state["user"]:
        st.caption(f"{t('signed_in_as')} {st.session_state['user']['email']}")
        if st.button(t("sign_out")):
            sign_out()
            st.rerun()

# Icons from Streamlit's bundled Material Symbols font: they draw the same in every browser,
# where emoji depend on the fonts a machine has.
PAGES = {  # url path → (page, title key, icon)
    "dashboard": (dashboard_page, "dashboard", ":material/monitoring:"),  # where sign-in lands
    "inbox": (inbox_page, "inbox", ":material/notifications:"),
    "vacancies": (vacancies_page, "vacancies", ":material/work:"),
    "candidates": (candidates_page, "candidates", ":material/groups:"),
    "candidate": (candidate_page, "candidate", ":material/person:"),
    "search": (search_page, "search", ":material/search:"),
    "leads": (leads_page, "leads", ":material/handshake:"),  # the report is one of its views
    "lead": (lead_page, "lead", ":material/contract:"),  # opened from a lead's card or row
    "leads_settings": (leads_settings_page, "leads_settings", ":material/tune:"),
    "workspaces": (workspaces_page, "workspaces", ":material/domain:"),
    "interviews": (interviews_page, "interviews", ":material/record_voice_over:"),
    "live": (live_page, "live_interviews", ":material/radio_button_checked:"),
    "automation": (automation_page, "automation", ":material/schedule:"),
    "conversations": (conversations_page, "conversations", ":material/forum:"),
    "telegram": (telegram_page, "telegram", ":material/send:"),
    "integrations": (integrations_page, "integrations", ":material/sync_alt:"),
    "team": (team_page, "team", ":material/manage_accounts:"),
    "settings": (settings_page, "settings", ":material/settings:"),
}
HIDDEN = {"lead"}  # reached by links only: without a lead in its URL it has nothing to show


def _sign_in_for(path: str):  # type: ignore[no-untyped-def]
    """The sign-in page served at a signed-in page's address, so a deep link opened while
    signed out asks for credentials there and then shows that page (the URL keeps it)."""

    def page() -> None:
        login_page()

    page.__name__ = f"sign_in_{path}"
    return page


def _title(path: str, key: str) -> str:
    """A page's name in the sidebar; the inbox's carries the unread count of the workspace
    chosen last (none until a page has chosen one, or if the API cannot say)."""
    workspace_id = st.session_state.get("workspace_id")
    if path != "inbox" or not workspace_id:
        return t(key)
    try:
        unread = client().unread_notifications(workspace_id)
    except ApiFailure:
        return t(key)
    return f"{t(key)} ({unread})" if unread else t(key)


if st.session_state["token"]:
    pages = [
        st.Page(
            page,
            title=_title(path, title),
            icon=icon,
            url_path=path,
            visibility="hidden" if path in HIDDEN else "visible",
        )
        for path, (page, title, icon) in PAGES.items()
    ]
else:
    door = ":material/login:"
    pages = [st.Page(login_page, title=t("sign_in"), icon=door, url_path="login", default=True)]
    pages += [
        st.Page(_sign_in_for(path), title=t("sign_in"), icon=door, url_path=path) for path in PAGES
    ]
st.navigation(pages, position="sidebar" if st.session_state["token"] else "hidden").run()
