"""Console sessions that survive a reload and a deep link.

Streamlit forgets `st.session_state` when the browser reloads or opens a URL anew, which signed
the recruiter out and reset the language on every F5. A signed-in session is therefore kept
here, in the console process, under a random key that the page carries in its URL (`?s=`);
a reload or a deep link (`/interviews?s=…`) finds it again. The API token itself never goes to
the browser. The entry lives as long as the API session (its `expires_at`) and ends with
sign-out; like any session link, the URL must not be shared — it is as good as being signed in
on that console until it ends.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import streamlit as st

SESSION_PARAM = "s"
LANG_PARAM = "lang"


@dataclass
class ConsoleSession:
    token: str
    user: dict[str, Any]
    expires_at: datetime
    lang: str = "ru"
    workspace_id: str | None = None


@dataclass
class _Store:
    sessions: dict[str, ConsoleSession] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource
def _store() -> _Store:
    """One store per console process, shared by every browser tab it serves."""
    return _Store()


def _parse(expires_at: str | datetime) -> datetime:
    if isinstance(expires_at, datetime):
        return expires_at
    return datetime.fromisoformat(expires_at.replace("Z", "+00:00"))


def remember(token: str, user: dict[str, Any], expires_at: str | datetime, lang: str) -> str:
    """Keep a fresh sign-in; the key to put in the URL."""
    key = secrets.token_urlsafe(24)
    store = _store()
    with store.lock:
        now = datetime.now(UTC)
        for stale in [k for k, v in store.sessions.items() if v.expires_at <= now]:
            del store.sessions[stale]
        store.sessions[key] = ConsoleSession(token, user, _parse(expires_at), lang)
    return key


def find(key: str | None) -> ConsoleSession | None:
    """The live session under `key`, if any (an expired one is dropped)."""
    if not key:
        return None
    store = _store()
    with store.lock:
        session = store.sessions.get(key)
        if session is not None and session.expires_at <= datetime.now(UTC):
            del store.sessions[key]
            return None
        return session


def forget(key: str | None) -> None:
    if key:
        store = _store()
        with store.lock:
            store.sessions.pop(key, None)
