"""Small controls the console pages share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error

K = TypeVar("K")


def pick_and_act(
    label: str,
    options: Mapping[K, str],
    *,
    key: str,
    action: str,
    action_key: str,
    index: int = 0,
) -> K | None:
    """A choice (value → label) and the button acting on it, side by side; the chosen value
    in the run where the button was clicked, None in every other run."""
    choice, button = st.columns([3, 1], vertical_alignment="bottom")
    chosen = choice.selectbox(
        label, list(options), index=index, format_func=options.__getitem__, key=key
    )
    return chosen if button.button(action, key=action_key) else None


def call_then_rerun(call: Callable[[], Any], notice_key: str, notice: str | None = None) -> None:
    """Make an API call for a button; its error shown in place, else the page runs again
    (with `notice` kept under `notice_key` for the next run to show)."""
    try:
        call()
    except ApiFailure as e:
        show_error(e)
        return
    if notice:
        st.session_state[notice_key] = notice
    st.rerun()
