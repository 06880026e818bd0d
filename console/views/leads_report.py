"""The lead report, a view of the Leads page: leads per board per week, the funnel with its
response / reply rates, meetings and wins, and each prompt variant's reply rate with its 95%
confidence interval (error bars and a table) and mean quality rating.

The figures come from `GET /leads/report` (db/lead_reports.py): a cohort of the leads found in
the period, followed through their history, so a rate never mixes two periods' leads.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from console import charts
from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.state import client
from console.views.leads_common import source_label

add_texts(
    {
        "lrep_period": {"en": "Leads found in the last", "ru": "Лиды, найденные за последние"},
        "lrep_weeks": {"en": "{n} weeks", "ru": "{n} нед."},
        "lrep_scope": {
            "en": "Leads found from {since} to {until} ({tz}), followed to today.",
            "ru": "Лиды, найденные с {since} по {until} ({tz}), со всей их историей до сегодня.",
        },
        "lrep_leads": {"en": "Leads", "ru": "Лиды"},
        "lrep_qualified": {"en": "Qualified", "ru": "Подошли"},
        "lrep_responded": {"en": "Responded", "ru": "С откликом"},
        "lrep_replied": {"en": "Replied", "ru": "Ответили"},
        "lrep_meetings": {"en": "Meetings", "ru": "Встречи"},
        "lrep_won": {"en": "Won", "ru": "Выиграны"},
        "lrep_lost": {"en": "Lost", "ru": "Проиграны"},
        "lrep_archived": {"en": "Archived", "ru": "В архиве"},
        "lrep_response_rate": {"en": "Response rate", "ru": "Доля откликов"},
        "lrep_reply_rate": {"en": "Reply rate", "ru": "Доля ответов"},
        "lrep_quality": {"en": "Mean quality", "ru": "Среднее качество"},
        "lrep_rate_help": {
            "en": "Response rate: responded ÷ qualified. Reply rate: replied ÷ responded.",
            "ru": "Доля откликов: с откликом ÷ подошли. Доля ответов: ответили ÷ с откликом.",
        },
        "lrep_quality_help": {
            "en": "The owners' 1–5 ratings of leads answered with a prompt variant.",
            "ru": "Оценки 1–5, которые владельцы дали лидам, получившим отклик по варианту "
            "промпта.",
        },
        "lrep_per_week": {"en": "Leads per board per week", "ru": "Лиды по площадкам за неделю"},
        "lrep_week": {"en": "Week", "ru": "Неделя"},
        "lrep_board": {"en": "Board", "ru": "Площадка"},
        "lrep_count": {"en": "Leads", "ru": "Лидов"},
        "lrep_funnel": {"en": "Funnel", "ru": "Воронка"},
        "lrep_step": {"en": "Step", "ru": "Этап"},
        "lrep_share": {"en": "Of all leads", "ru": "От всех лидов"},
        "lrep_variants": {
            "en": "Prompt variants: reply rate with its 95% interval",
            "ru": "Варианты промпта: доля ответов и её 95% интервал",
        },
        "lrep_variant": {"en": "Variant", "ru": "Вариант"},
        "lrep_interval": {"en": "95% interval", "ru": "95% интервал"},
        "lrep_retired": {"en": "Retired", "ru": "Выведен"},
        "lrep_rated": {"en": "Rated", "ru": "Оценено"},
        "lrep_no_variants": {
            "en": "No response was sent with a prompt variant in this period.",
            "ru": "За этот период не было откликов по вариантам промпта.",
        },
    }
)
PERIODS = (4, 12, 26, 52)  # weeks
FUNNEL_KEYS = ("leads", "qualified", "responded", "replied", "meetings", "won")


def leads_report_section(workspace_id: str) -> None:
    """The period, the tiles, then the charts and the variants' table."""
    labels = {n: t("lrep_weeks").format(n=n) for n in PERIODS}
    weeks = st.selectbox(t("lrep_period"), list(labels), index=1,
                         format_func=labels.__getitem__, key="lrep_weeks")  # fmt: skip
    until = date.today()
    since = until - timedelta(weeks=weeks)
    try:
        report = client().lead_report(workspace_id, since=str(since), until=str(until))
    except ApiFailure as e:
        show_error(e)
        return
    st.caption(t("lrep_scope").format(since=since, until=until, tz=report["tz"]))
    _tiles(report["funnel"], report["variants"])
    left, right = st.columns(2)
    with left:
        _per_week(report["weekly"])
    with right:
        _funnel(report["funnel"])
    _variants(report["variants"])


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _mean_quality(variants: list[dict[str, Any]]) -> float | None:
    """The mean rating over every rated lead of the variants (weighted by how many each has)."""
    rated = sum(v["rated"] for v in variants)
    if not rated:
        return None
    return sum((v["quality"] or 0) * v["rated"] for v in variants) / rated


def _tiles(funnel: dict[str, Any], variants: list[dict[str, Any]]) -> None:
    cells = st.columns(len(FUNNEL_KEYS) + 1)
    for cell, key in zip(cells, (*FUNNEL_KEYS, "lost"), strict=True):
        cell.metric(t(f"lrep_{key}"), funnel[key])
    rates = st.columns(3)
    rates[0].metric(t("lrep_response_rate"), _percent(funnel["response_rate"]),
                    help=t("lrep_rate_help"))  # fmt: skip
    rates[1].metric(t("lrep_reply_rate"), _percent(funnel["reply_rate"]),
                    help=t("lrep_rate_help"))  # fmt: skip
    quality = _mean_quality(variants)
    rates[2].metric(t("lrep_quality"), "—" if quality is None else f"{quality:.1f} ★",
                    help=t("lrep_quality_help"))  # fmt: skip


def _per_week(weekly: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(
        {
            "week": [pd.Timestamp(row["week_start"]) for row in weekly],
            "board": [source_label(row["source"]) for row in weekly],
            "leads": [row["leads"] for row in weekly],
        }
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("yearweek(week):O", title=t("lrep_week")),
            y=alt.Y("leads:Q", title=t("lrep_count")),
            color=alt.Color("board:N", title=t("lrep_board")),
            tooltip=[
                alt.Tooltip("week:T", title=t("lrep_week")),
                alt.Tooltip("board:N", title=t("lrep_board")),
                alt.Tooltip("leads:Q", title=t("lrep_count")),
            ],
        )
    )
    charts.show(t("lrep_per_week"), frame, chart)


def _funnel(funnel: dict[str, Any]) -> None:
    total = funnel["leads"]
    frame = pd.DataFrame(
        {
            "step": [t(f"lrep_{key}") for key in FUNNEL_KEYS],
            "order": list(range(len(FUNNEL_KEYS))),
            "count": [funnel[key] for key in FUNNEL_KEYS],
            "share": [funnel[key] / total if total else 0.0 for key in FUNNEL_KEYS],
        }
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title=t("lrep_count")),
            y=alt.Y("step:N", sort=alt.SortField("order"), title=t("lrep_step")),
            tooltip=[
                alt.Tooltip("step:N", title=t("lrep_step")),
                alt.Tooltip("count:Q", title=t("lrep_count")),
                alt.Tooltip("share:Q", title=t("lrep_share"), format=".0%"),
            ],
        )
    )
    charts.show(t("lrep_funnel"), frame if total else frame.iloc[0:0], chart)


def _variant_name(variant: dict[str, Any]) -> str:
    return f"{variant['name']} v{variant['version']}"


def _variants(variants: list[dict[str, Any]]) -> None:
    """Error bars of the reply rate's interval, then every figure in a table."""
    sent = [v for v in variants if v["responded"]]
    frame = pd.DataFrame(
        {
            "variant": [_variant_name(v) for v in sent],
            "rate": [v["reply_rate"] for v in sent],
            "low": [v["reply_rate_low"] for v in sent],
            "high": [v["reply_rate_high"] for v in sent],
            "responded": [v["responded"] for v in sent],
        }
    )
    base = alt.Chart(frame).encode(y=alt.Y("variant:N", title=t("lrep_variant")))
    tooltip = [
        alt.Tooltip("variant:N", title=t("lrep_variant")),
        alt.Tooltip("rate:Q", title=t("lrep_reply_rate"), format=".0%"),
        alt.Tooltip("low:Q", title="95% ↓", format=".0%"),
        alt.Tooltip("high:Q", title="95% ↑", format=".0%"),
        alt.Tooltip("responded:Q", title=t("lrep_responded")),
    ]
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("low:Q", title=t("lrep_reply_rate"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        x2="high:Q", tooltip=tooltip,
    )  # fmt: skip
    points = base.mark_point(filled=True, size=80).encode(x="rate:Q", tooltip=tooltip)
    charts.show(t("lrep_variants"), frame, bars + points)
    if not sent:
        st.caption(t("lrep_no_variants"))
    if variants:
        _variant_table(variants)


def _variant_table(variants: list[dict[str, Any]]) -> None:
    def interval(v: dict[str, Any]) -> str:
        if v["reply_rate_low"] is None:
            return "—"
        return f"{v['reply_rate_low']:.0%} – {v['reply_rate_high']:.0%}"

    frame = pd.DataFrame(
        {
            t("lrep_variant"): [_variant_name(v) for v in variants],
            t("lrep_retired"): [bool(v["retired"]) for v in variants],
            t("lrep_leads"): [v["leads"] for v in variants],
            t("lrep_responded"): [v["responded"] for v in variants],
            t("lrep_replied"): [v["replied"] for v in variants],
            t("lrep_reply_rate"): [_percent(v["reply_rate"]) for v in variants],
            t("lrep_interval"): [interval(v) for v in variants],
            t("lrep_meetings"): [v["meetings"] for v in variants],
            t("lrep_won"): [v["won"] for v in variants],
            t("lrep_quality"): [
                None if v["quality"] is None else round(v["quality"], 1) for v in variants
            ],  # fmt: skip
            t("lrep_rated"): [v["rated"] for v in variants],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")
