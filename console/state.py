"""Session state keys, initialised once per browser session, and the API client for it.

A signed-in session and the language survive reloads and deep links through the URL
(`console.session_store`); an API answer that the session has ended signs the console out
with a notice instead of leaving the recruiter on a page of errors.
"""

from __future__ import annotations

import streamlit as st

from console import session_store
from console.api_client import ApiClient, ApiFailure, api_base_url

DEFAULTS = {
    "token": None, "user": None, "lang": "ru", "workspace_id": None, "session_key": None,
    "notice": None,
}  # fmt: skip
LANGUAGES = ("ru", "en")
_ENDED = {"session_ended", "invalid_token", "user_disabled"}
PENDING_LANG = "lang_from_profile"
CHOSEN_HERE = "lang_chosen_here"  # the language was picked in this browser before signing in


def init_state() -> None:
    """Create every key this app reads, so pages never guess; on a fresh browser session,
    take back the signed-in session and language the URL names."""
    fresh = "token" not in st.session_state
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    # The language chosen in the user's profile, found at sign-in, applied before the sidebar
    # radio (whose key it is) is drawn in this run.
    if pending := st.session_state.pop(PENDING_LANG, None):
        st.session_state["lang"] = pending
    # The language is also the sidebar radio's key; a run that ends in a page switch before
    # the radio is drawn would let Streamlit drop it, so it is claimed for this run here.
    st.session_state["lang"] = st.session_state["lang"]
    if not fresh:
        return
    lang = st.query_params.get(session_store.LANG_PARAM)
    if lang in LANGUAGES:
        st.session_state["lang"] = lang
    key = st.query_params.get(session_store.SESSION_PARAM)
    if not key:
        return
    session = session_store.find(key)
    if session is None:
        del st.query_params[session_store.SESSION_PARAM]
        st.session_state["notice"] = "session_expired"
        return
    st.session_state.update(
        token=session.token, user=session.user, session_key=key, lang=session.lang,
        workspace_id=session.workspace_id,
    )  # fmt: skip


def keep_choices() -> None:
    """Carry the language (and the chosen workspace) into the URL and the kept session."""
    lang = st.session_state["lang"]
    if st.query_params.get(session_store.LANG_PARAM) != lang:
        st.query_params[session_store.LANG_PARAM] = lang
    # A page picked in the sidebar starts with a bare URL: put the session back in it, or a
    # reload of that page would sign the recruiter out.
    key = st.session_state.get("session_key")
    if key and st.query_params.get(session_store.SESSION_PARAM) != key:
        st.query_params[session_store.SESSION_PARAM] = key
    session = session_store.find(key)
    if session is not None:
        session.lang = lang
        session.workspace_id = st.session_state.get("workspace_id")


def signed_in(answer: dict) -> None:  # type: ignore[type-arg]
    """Remember a fresh sign-in (the API's login answer) here and in the URL."""
    key = session_store.remember(
        answer["access_token"], answer["user"], answer["expires_at"], st.session_state["lang"]
    )
    st.session_state.update(
        token=answer["access_token"], user=answer["user"], session_key=key, notice=None
    )
    st.query_params[session_store.SESSION_PARAM] = key
    _take_profile_language(answer["access_token"])


def _take_profile_language(token: str) -> None:
    """At sign-in: a language picked in this browser before signing in is the user's choice
    (saved for every browser); otherwise the one they chose before, anywhere, is applied."""
    api = api_for(token)
    try:
        chosen = None if st.session_state.get(CHOSEN_HERE) else api.me().get("language")
        if chosen:
            st.session_state[PENDING_LANG] = chosen
        else:
            api.set_language(st.session_state["lang"])
    except ApiFailure:
        pass  # the language is a comfort: signing in does not fail over it


def language_changed() -> None:
    """The sidebar switch moved: remember it in the user's profile when signed in, or as
    this browser's choice for the sign-in to come."""
    token = st.session_state.get("token")
    if not token:
        st.session_state[CHOSEN_HERE] = True
    else:
        try:
            api_for(token).set_language(st.session_state["lang"])
        except ApiFailure:
            pass


def _forget_locally(notice: str | None = None) -> None:
    if st.session_state.get("token"):
        _shared_client.clear(api_base_url(), st.session_state["token"])
    session_store.forget(st.session_state.get("session_key"))
    for key in ("token", "user", "workspace_id", "session_key"):
        st.session_state[key] = None
    st.session_state["notice"] = notice
    if session_store.SESSION_PARAM in st.query_params:
        del st.query_params[session_store.SESSION_PARAM]


def _ended(failure: ApiFailure) -> None:
    """The API says this session is over: back to sign-in, saying why."""
    if failure.status == 401 and failure.code in _ENDED and st.session_state.get("token"):
        _forget_locally("session_expired")
        st.rerun()


@st.cache_resource(max_entries=256, show_spinner=False)
def _shared_client(base_url: str, token: str | None) -> ApiClient:
    """One HTTP client (and connection pool) per API address and credential, shared by the
    reruns and pages of that user's sessions instead of a new connection per call."""
    return ApiClient(base_url, token, on_failure=_ended)


def api_for(token: str | None) -> ApiClient:
    """The shared client carrying `token` (cached loaders take the token as their key)."""
    return _shared_client(api_base_url(), token)


def client() -> ApiClient:
    """The client carrying the signed-in user's token, if any."""
    return api_for(st.session_state.get("token"))


def sign_out() -> None:
    """End the session on the server (its token stops working everywhere), then forget the
    token and the user; a session that already ended is simply forgotten."""
    token = st.session_state.get("token")
    if token:
        try:
            ApiClient(api_base_url(), token).logout()
        except ApiFailure:
            pass
        _shared_client.clear(api_base_url(), token)  # the ended token leaves memory too
    _forget_locally()
