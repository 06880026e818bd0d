"""Moving between console pages from code, keeping the signed-in session and the language
in the URL (a switch otherwise starts the target page with no query parameters)."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from console import session_store


def _target() -> None:
    """Stands for a registered page: a switch is matched by URL path only."""


def go(path: str, **params: int | str) -> NoReturn:
    """Switch to the page registered at `path`, with `params` in its URL."""
    kept = {
        name: value
        for name in (session_store.SESSION_PARAM, session_store.LANG_PARAM)
        if (value := st.query_params.get(name))
    }
    st.switch_page(
        st.Page(_target, url_path=path),
        query_params={**kept, **{name: str(value) for name, value in params.items()}},
    )
