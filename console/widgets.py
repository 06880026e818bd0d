"""Small controls the console pages share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import streamlit as st

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
