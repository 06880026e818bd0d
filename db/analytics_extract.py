"""The columnar extract behind the console's dashboard: one Arrow table per entity.

Plain SELECTs run under the caller's workspace context, so row-level security decides what
leaves the database; the console computes every figure from these tables in DuckDB. Each
table has a fixed schema, so an empty workspace still yields typed (empty) columns.
"""

from __future__ import annotations

import psycopg
import pyarrow as pa

_TS = pa.timestamp("us", tz="UTC")

VACANCIES = pa.schema(
    [
        ("id", pa.int64()),
        ("title", pa.string()),
        ("source", pa.string()),
        ("status", pa.string()),
        ("created_at", _TS),
    ]
)
APPLICATIONS = pa.schema(
    [
        ("id", pa.int64()),
        ("vacancy_id", pa.int64()),
        ("source", pa.string()),
        ("stage", pa.string()),
        ("created_at", _TS),
        ("screening_score", pa.int16()),
        ("screening_recommendation", pa.string()),
        ("screening_engine", pa.string()),
        ("screened_at", _TS),
    ]
)
INTERVIEWS = pa.schema(
    [
        ("id", pa.int64()),
        ("application_id", pa.int64()),
        ("status", pa.string()),
        ("created_at", _TS),
        ("started_at", _TS),
        ("ended_at", _TS),
        ("report_overall", pa.int16()),
        ("report_recommendation", pa.string()),
        ("report_engine", pa.string()),
    ]
)


def _us(column: str) -> str:
    """A timestamptz column as microseconds since the epoch: an integer crosses the wire and
    becomes an Arrow timestamp without a Python datetime per value (3-5x faster at 20k rows)."""
    return f"(extract(epoch from {column}) * 1000000)::bigint"


def _table(conn: psycopg.Connection, query: str, schema: pa.Schema) -> pa.Table:
    """The query's rows as a table of `schema`; its timestamp columns come as `_us(...)`."""
    with conn.cursor(binary=True) as cur:
        rows = cur.execute(query).fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = [
        pa.array(list(c), type=pa.int64()).cast(f.type)
        if pa.types.is_timestamp(f.type)
        else pa.array(list(c), type=f.type)
        for c, f in zip(columns, schema, strict=True)
    ]
    return pa.table(arrays, schema=schema)


def vacancies_table(conn: psycopg.Connection) -> pa.Table:
    """Every visible vacancy: id, title, source, status, created_at."""
    return _table(
        conn,
        f"select id, title, source, status, {_us('created_at')} from vacancies order by id",
        VACANCIES,
    )


def applications_table(conn: psycopg.Connection) -> pa.Table:
    """Every visible application with its stage and its latest screening (nulls if none)."""
    return _table(
        conn,
        f"""
        select a.id, a.vacancy_id, a.source, a.stage, {_us("a.created_at")},
               s.score, s.recommendation, s.engine, {_us("s.created_at")}
        from applications a
        left join (
            select distinct on (application_id) application_id, score, recommendation, engine,
                   created_at
            from screenings order by application_id, created_at desc, id desc
        ) s on s.application_id = a.id
        order by a.id
        """,
        APPLICATIONS,
    )


def interviews_table(conn: psycopg.Connection) -> pa.Table:
    """Every visible interview with its timing and, once analysed, its report's verdict."""
    return _table(
        conn,
        f"""
        select i.id, i.application_id, i.status, {_us("i.created_at")},
               {_us("i.started_at")}, {_us("i.ended_at")}, r.overall, r.recommendation, r.engine
        from interviews i left join interview_reports r on r.interview_id = i.id
        order by i.id
        """,
        INTERVIEWS,
    )


TABLES = {
    "applications": applications_table,
    "interviews": interviews_table,
    "vacancies": vacancies_table,
}
