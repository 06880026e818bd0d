"""Dashboard: KPI tiles and Altair charts of the chosen workspace's hiring funnel.

Every figure is a DuckDB query in `console.analytics` over the workspace's extract, which is
fetched from the API and cached for a minute; this page only picks filters and draws.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

from console import analytics, charts
from console.api_client import ApiFailure
from console.errors import error_text
from console.i18n import t
from console.workspace_picker import pick_workspace

PERIODS = {"period_7": 7, "period_30": 30, "period_90": 90, "period_all": None}
KPIS = (
    "open_vacancies",
    "new_today",
    "new_7_days",
    "screened",
    "invited",
    "interviewed",
    "recommended",
)


def dashboard_page() -> None:
    """Workspace, filters, tiles, then the charts; an empty workspace says what to do next."""
    st.title(t("dashboard"))
    chosen = pick_workspace("dashboard_workspace")
    if chosen is None:
        return
    if st.button(t("dash_refresh"), key="dash_refresh", icon=":material/refresh:"):
        analytics.forget(chosen[0])  # figures otherwise refresh within a minute
    try:
        con = analytics.workspace_db(chosen[0], st.session_state["token"]).cursor()
    except ApiFailure as e:
        st.error(f"{t('dashboard_failed')}: {error_text(e)}")
        return
    if con.execute("select count(*) from applications").fetchone() == (0,):
        st.info(t("dashboard_empty"))
        return
    filters = _filters(con)
    _tiles(analytics.kpis(con, filters))
    left, right = st.columns(2)
    with left:
        charts.funnel(analytics.funnel(con, filters))
    with right:
        charts.per_day(analytics.applications_per_day(con, filters))
    _funnel_by_vacancy(analytics.funnel(con, filters, by_vacancy=True))
    left, right = st.columns(2)
    with left:
        _scores(analytics.score_distribution(con, filters))
        _completion(analytics.completion_rate(con, filters))
    with right:
        _time_to_interview(analytics.time_to_interview(con, filters))
        _engines(analytics.engine_mix(con, filters))


def _filters(con: duckdb.DuckDBPyConnection) -> analytics.Filters:
    # Labels are looked up in dicts built here, not by t() in format_func, so a formatter
    # never depends on the session it is called from.
    period, vacancy, source = st.columns(3)
    periods = {key: t(key) for key in PERIODS}
    days = PERIODS[
        period.selectbox(
            t("period"), list(periods), index=1, format_func=periods.__getitem__, key="dash_period"
        )
    ]
    vacancies = {None: t("all"), **dict(analytics.vacancy_choices(con))}
    vacancy_id = vacancy.selectbox(
        t("vacancy_filter"), list(vacancies), key="dash_vacancy", format_func=vacancies.__getitem__
    )
    sources = {None: t("all"), **{s: s for s in analytics.source_choices(con)}}
    chosen_source = source.selectbox(
        t("source_filter"), list(sources), key="dash_source", format_func=sources.__getitem__
    )
    since = datetime.now(UTC) - timedelta(days=days) if days else None
    return analytics.Filters(since=since, vacancy_id=vacancy_id, source=chosen_source)


def _tiles(figures: dict[str, int]) -> None:
    for column, key in zip(st.columns(len(KPIS)), KPIS, strict=True):
        column.metric(t(f"kpi_{key}"), figures[key])


def _funnel_by_vacancy(frame: pd.DataFrame) -> None:
    frame = charts.steps(frame)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("vacancy_title:N", title=t("vacancy")),
            xOffset=alt.XOffset("step:N", sort=alt.SortField("order")),
            y=alt.Y("count:Q", title=t("dash_count")),
            color=alt.Color("step:N", sort=alt.SortField("order"), title=t("step")),
            tooltip=[
                "vacancy_title:N",
                alt.Tooltip("step:N", title=t("step")),
                alt.Tooltip("count:Q", title=t("dash_count")),
            ],
        )
    )
    charts.show(t("funnel_by_vacancy"), frame, chart)


def _scores(frame: pd.DataFrame) -> None:
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("bin:O", title=t("score_bin")),
            y=alt.Y("count:Q", title=t("dash_count")),
            tooltip=[
                alt.Tooltip("bin:O", title=t("score_bin")),
                alt.Tooltip("count:Q", title=t("dash_count")),
            ],
        )
    )
    charts.show(t("score_distribution"), frame, chart)


def _time_to_interview(frame: pd.DataFrame) -> None:
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("hours:Q", bin=alt.Bin(maxbins=20), title=t("hours")),
            y=alt.Y("count():Q", title=t("dash_count")),
            tooltip=[
                alt.Tooltip("hours:Q", bin=alt.Bin(maxbins=20), title=t("hours")),
                alt.Tooltip("count():Q", title=t("dash_count")),
            ],
        )
    )
    charts.show(t("time_to_interview"), frame, chart)


def _completion(frame: pd.DataFrame) -> None:
    frame = frame.dropna(subset=["rate"])
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "rate:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title=t("rate")
            ),
            y=alt.Y("vacancy_title:N", title=t("vacancy")),
            tooltip=[
                "vacancy_title:N",
                alt.Tooltip("rate:Q", format=".0%", title=t("rate")),
                alt.Tooltip("started:Q", title=t("started")),
                alt.Tooltip("completed:Q", title=t("kpi_interviewed")),
            ],
        )
    )
    charts.show(t("dash_completion_rate"), frame, chart)


def _engines(frame: pd.DataFrame) -> None:
    chart = (
        alt.Chart(frame)
        .mark_arc()
        .encode(
            theta=alt.Theta("count:Q"),
            color=alt.Color("engine:N", title=t("engine")),
            tooltip=[
                alt.Tooltip("kind:N", title=t("kind")),
                alt.Tooltip("engine:N", title=t("engine")),
                alt.Tooltip("count:Q", title=t("dash_count")),
            ],
        )
    )
    charts.show(t("engine_mix"), frame, chart)
