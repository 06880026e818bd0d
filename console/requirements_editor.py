"""The table in which a recruiter corrects what the product read from a vacancy: one row per
requirement (its wording and whether it is a must), plus the years of experience asked for.

The API rebuilds what each row looks for in a resume from its wording, so the editor sends
only wording and must/nice; the "looks for" column is shown to explain the reading, not edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from console.i18n import add_texts, t

add_texts(
    {
        "req_text": {"en": "Requirement", "ru": "Требование"},
        "req_must": {"en": "Must have", "ru": "Обязательно"},
        "req_looks_for": {"en": "Looks for", "ru": "Что ищем в резюме"},
        "req_min_years": {
            "en": "Years of experience asked for (empty: not stated)",
            "ru": "Требуемый опыт, лет (пусто — не указан)",
        },
        "req_help": {
            "en": "Correct the wording, untick “Must have” for a nice-to-have, add rows at "
            "the bottom, remove rows with the checkbox on the left.",
            "ru": "Поправьте формулировки, снимите «Обязательно» для желательных, добавьте "
            "строки внизу, удалите строки флажком слева.",
        },
    }
)
MAX_TEXT = 300


@dataclass(frozen=True)
class RequirementsEdit:
    """The recruiter's version of the requirements, as the API takes it."""

    items: tuple[tuple[str, bool], ...]
    min_years: float | None

    def as_json(self) -> dict[str, Any]:
        return {
            "items": [{"text": text, "must": must} for text, must in self.items],
            "min_years": self.min_years,
        }


def stated(requirements: dict[str, Any]) -> RequirementsEdit:
    """The requirements as the product read them, in the editor's terms."""
    items = tuple(
        (str(r["text"]), bool(r.get("must", True))) for r in requirements.get("requirements", [])
    )
    return RequirementsEdit(items=items, min_years=requirements.get("min_years"))


def requirement_rows(requirements: dict[str, Any]) -> pd.DataFrame:
    """Wording, must/nice and what is looked for, one row per requirement."""
    rows = [
        {
            "text": str(r["text"]),
            "must": bool(r.get("must", True)),
            "looks_for": ", ".join(r.get("skills") or r.get("terms") or []),
        }
        for r in requirements.get("requirements", [])
    ]
    return pd.DataFrame(rows, columns=["text", "must", "looks_for"])


def requirements_editor(requirements: dict[str, Any], key: str) -> RequirementsEdit:
    """Draw the editor for `requirements` (an analysis as the API returns it); the edit."""
    st.caption(t("req_help"))
    edited = st.data_editor(
        requirement_rows(requirements),
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "text": st.column_config.TextColumn(
                t("req_text"), required=True, max_chars=MAX_TEXT, width="large"
            ),
            "must": st.column_config.CheckboxColumn(t("req_must"), default=True),
            "looks_for": st.column_config.TextColumn(t("req_looks_for"), disabled=True),
        },
    )
    min_years = st.number_input(
        t("req_min_years"),
        min_value=0.0,
        max_value=50.0,
        step=0.5,
        value=requirements.get("min_years"),
        key=f"{key}_years",
    )
    items = []
    for row in edited.to_dict("records"):
        text = str(row.get("text") or "").strip()
        if text:
            must = row.get("must")
            items.append((text[:MAX_TEXT], True if pd.isna(must) else bool(must)))
    return RequirementsEdit(items=tuple(items), min_years=min_years)
