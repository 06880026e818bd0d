"""Altair charts shared by the dashboard and the vacancy page: each takes the frame a
`console.analytics` query returns and draws it with translated labels and tooltips."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from console.i18n import t


def show(title: str, frame: pd.DataFrame, chart: alt.Chart) -> None:
    st.subheader(title)
    if frame.empty:
        st.caption(t("no_chart_data"))
        return
    st.altair_chart(chart.properties(height=260), width="stretch")


def steps(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(step=[t(f"step_{s}") for s in frame["step"]])


def funnel(frame: pd.DataFrame) -> None:
    frame = steps(frame)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title=t("dash_count")),
            y=alt.Y("step:N", sort=alt.SortField("order"), title=t("step")),
            tooltip=[
                alt.Tooltip("step:N", title=t("step")),
                alt.Tooltip("count:Q", title=t("dash_count")),
            ],
        )
    )
    show(t("funnel"), frame, chart)


def per_day(frame: pd.DataFrame) -> None:
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("day:T", title=t("day")),
            y=alt.Y("applications:Q", title=t("dash_count")),
            color=alt.Color("source:N", title=t("source_filter")),
            tooltip=[
                alt.Tooltip("day:T", title=t("day")),
                "source:N",
                alt.Tooltip("applications:Q", title=t("dash_count")),
            ],
        )
    )
    show(t("applications_per_day"), frame, chart)
