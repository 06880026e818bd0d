"""The dashboard's data: an RLS-scoped columnar extract of one table, as Parquet.

The console loads the three tables into its own DuckDB and computes every chart there, so the
request path runs three plain SELECTs per workspace and refresh, never a query per chart.
"""

from __future__ import annotations

import io
from typing import Annotated, Literal

import pyarrow.parquet as pq
from fastapi import APIRouter, Query, Response

from db import analytics_extract
from db.pool import transaction
from serve_apps.deps import WORKSPACE_ERRORS, CurrentWorkspace, Pool

router = APIRouter(prefix="/analytics", tags=["analytics"], responses=WORKSPACE_ERRORS)
PARQUET = "application/vnd.apache.parquet"

TableName = Literal["applications", "interviews", "vacancies"]


@router.get(
    "/extract",
    response_class=Response,
    responses={200: {"content": {PARQUET: {"schema": {"type": "string", "format": "binary"}}}}},
)
def extract(
    table: Annotated[TableName, Query(description="which table of the extract")],
    access: CurrentWorkspace,
    pool: Pool,
) -> Response:
    """One table of the workspace's analytics extract (applications with their latest
    screening, interviews with their report's verdict, or vacancies) as a Parquet file."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        data = analytics_extract.TABLES[table](conn)
    buffer = io.BytesIO()
    pq.write_table(data, buffer)
    return Response(
        buffer.getvalue(),
        media_type=PARQUET,
        headers={
            "Content-Disposition": f'attachment; filename="{table}.parquet"',
            "Cache-Control": "no-store",
        },
    )
