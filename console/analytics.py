"""The dashboard's figures: the workspace's Parquet extract loaded into an in-process DuckDB,
and every chart one DuckDB query over it.

`connect()` and the figure functions need no Streamlit, so tests run them on known data; the
console reaches them through `workspace_db()`, cached per workspace (and credential) for a
minute so a page of charts costs three API calls at most once a minute.

Funnel steps, per application: *applications* (all), *screened* (has a screening), *invited*
(has an interview), *interviewed* (has a completed interview), *recommended* (a completed
interview whose report recommends or strongly recommends).
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import streamlit as st

from console.api_client import ApiClient, api_base_url

TABLES = ("applications", "interviews", "vacancies")
FUNNEL_STEPS = ("applications", "screened", "invited", "interviewed", "recommended")
POSITIVE = ("strongly_recommend", "recommend")
CACHE_TTL_S = 60


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: applications since a moment (UTC), of one vacancy, from one
    source; None means no restriction."""

    since: datetime | None = None
    vacancy_id: int | None = None
    source: str | None = None


def _naive_utc(table: pa.Table) -> pa.Table:
    """Timestamps as plain UTC TIMESTAMPs, so day arithmetic never depends on a time zone."""
    fields = [
        pa.field(f.name, pa.timestamp("us")) if pa.types.is_timestamp(f.type) else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def connect(extract: dict[str, bytes]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the extract's tables (name → Parquet bytes)."""
    con = duckdb.connect(":memory:")
    for name in TABLES:
        arrow = _naive_utc(pq.read_table(io.BytesIO(extract[name])))
        con.register("_incoming", arrow)
        con.execute(f"create table {name} as select * from _incoming")
        con.unregister("_incoming")
    return con


# The applications in view, with one flag per funnel step; every figure starts from here.
_APPS = """
with apps as (
    select a.*, v.title as vacancy_title,
        a.screened_at is not null as is_screened,
        exists (select 1 from interviews i where i.application_id = a.id) as is_invited,
        exists (select 1 from interviews i where i.application_id = a.id
                and i.status = 'completed') as is_interviewed,
        exists (select 1 from interviews i where i.application_id = a.id
                and i.status = 'completed'
                and i.report_recommendation in ('strongly_recommend', 'recommend'))
            as is_recommended
    from applications a join vacancies v on v.id = a.vacancy_id
    where ($since::timestamp is null or a.created_at >= $since::timestamp)
      and ($vacancy_id::bigint is null or a.vacancy_id = $vacancy_id::bigint)
      and ($source::varchar is null or a.source = $source::varchar)
)
"""


def _query(
    con: duckdb.DuckDBPyConnection, sql: str, filters: Filters, **extra: object
) -> pd.DataFrame:
    since = filters.since.astimezone(UTC).replace(tzinfo=None) if filters.since else None
    params = {"since": since, "vacancy_id": filters.vacancy_id, "source": filters.source}
    return con.execute(_APPS + sql, {**params, **extra}).df()


def kpis(
    con: duckdb.DuckDBPyConnection, filters: Filters, today: date | None = None
) -> dict[str, int]:
    """The tiles: open vacancies, new applications today and in 7 days (of the chosen vacancy
    and source, whatever the period), and the funnel steps within the period."""
    today = today or datetime.now(UTC).date()
    recent = _query(
        con,
        """
        select count(*) filter (where created_at::date = $today) as today,
               count(*) filter (where created_at::date > $today - 7) as week
        from apps
        """,
        Filters(vacancy_id=filters.vacancy_id, source=filters.source),
        today=today,
    ).iloc[0]
    open_vacancies = con.execute(
        "select count(*) from vacancies where status = 'active'"
        " and ($vacancy_id::bigint is null or id = $vacancy_id::bigint)",
        {"vacancy_id": filters.vacancy_id},
    ).fetchone()
    steps = funnel(con, filters).set_index("step")["count"]
    return {
        "open_vacancies": int(open_vacancies[0]) if open_vacancies else 0,
        "new_today": int(recent["today"] or 0),
        "new_7_days": int(recent["week"] or 0),
        **{step: int(steps[step]) for step in FUNNEL_STEPS[1:]},
    }


def funnel(
    con: duckdb.DuckDBPyConnection, filters: Filters, by_vacancy: bool = False
) -> pd.DataFrame:
    """Applications per funnel step (`step`, `order`, `count`), overall or per vacancy (then
    also `vacancy_id`, `vacancy_title`); every step is present, zero or not."""
    keys = "vacancy_id, vacancy_title, " if by_vacancy else ""
    return _query(
        con,
        f"""
        , counts as (
            select {keys}
                count(*) as applications,
                count(*) filter (where is_screened) as screened,
                count(*) filter (where is_invited) as invited,
                count(*) filter (where is_interviewed) as interviewed,
                count(*) filter (where is_recommended) as recommended
            from apps {"group by vacancy_id, vacancy_title" if by_vacancy else ""}
        )
        select {keys} step, list_position($steps, step) as "order", count
        from counts unpivot (count for step in
            (applications, screened, invited, interviewed, recommended))
        order by {keys} "order"
        """,
        filters,
        steps=list(FUNNEL_STEPS),
    ).astype({"count": "int64"})


def applications_per_day(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """New applications per day (UTC) and source: `day`, `source`, `applications`."""
    return _query(
        con,
        """
        select created_at::date as day, source, count(*) as applications
        from apps group by all order by day, source
        """,
        filters,
    )


def score_distribution(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Latest screening scores in bins of ten: `bin` (0, 10, ... 90; 100 joins 90), `count`."""
    return _query(
        con,
        """
        select least(screening_score // 10 * 10, 90) as bin, count(*) as count
        from apps where screening_score is not null group by bin order by bin
        """,
        filters,
    )


def time_to_interview(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Hours from application to the start of its first started interview, one row per such
    application: `application_id`, `vacancy_title`, `hours`."""
    return _query(
        con,
        """
        select a.id as application_id, a.vacancy_title,
               round(epoch(min(i.started_at) - a.created_at) / 3600.0, 1) as hours
        from apps a join interviews i on i.application_id = a.id
        where i.started_at is not null
        group by a.id, a.vacancy_title, a.created_at order by hours
        """,
        filters,
    )


def completion_rate(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per vacancy: interviews `started` (active, completed or failed), `completed`, and
    `rate` = completed / started (null before any start)."""
    return _query(
        con,
        """
        select a.vacancy_title,
               count(*) filter (where i.status in ('active', 'completed', 'failed')) as started,
               count(*) filter (where i.status = 'completed') as completed,
               completed / nullif(started, 0) as rate
        from apps a join interviews i on i.application_id = a.id
        group by a.vacancy_title order by a.vacancy_title
        """,
        filters,
    )


def engine_mix(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Which engines produced the results in view: `kind` (screening or report), `engine`,
    `count`."""
    return _query(
        con,
        """
        select 'screening' as kind, screening_engine as engine, count(*) as count
        from apps where screening_engine is not null group by all
        union all
        select 'report', i.report_engine, count(*)
        from apps a join interviews i on i.application_id = a.id
        where i.report_engine is not null group by all
        order by kind, count desc, engine
        """,
        filters,
    )


def fetch_extract(client: ApiClient, workspace_id: str) -> dict[str, bytes]:
    """The workspace's extract from the API, table name → Parquet bytes; the tables are
    fetched side by side (the API builds each in its own transaction)."""
    with ThreadPoolExecutor(max_workers=len(TABLES)) as pool:
        parts = pool.map(lambda name: client.analytics_extract(workspace_id, name), TABLES)
        return dict(zip(TABLES, parts, strict=True))


@st.cache_resource(ttl=CACHE_TTL_S, max_entries=32, show_spinner=False)
def workspace_db(workspace_id: str, token: str) -> duckdb.DuckDBPyConnection:
    """The workspace's DuckDB, rebuilt from a fresh extract at most once a minute. The token is
    part of the key: each user's copy comes through the API's own access check. Callers take a
    `.cursor()` of it, since Streamlit sessions share it across threads."""
    return connect(fetch_extract(ApiClient(api_base_url(), token), workspace_id))


def forget(workspace_id: str) -> None:
    """After this user changed the workspace (an upload, a stage, an invitation, a vacancy):
    the next dashboard read fetches a fresh extract instead of waiting out the minute."""
    token = st.session_state.get("token")
    if token:
        workspace_db.clear(workspace_id, token)


def vacancy_choices(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """(id, title) of every vacancy, for the vacancy filter."""
    return con.execute("select id, title from vacancies order by title, id").fetchall()


def source_choices(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The application sources present, for the source filter."""
    return [
        r[0] for r in con.execute("select distinct source from applications order by 1").fetchall()
    ]
