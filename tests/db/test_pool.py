"""The connection pool's options: behind a transaction-mode pooler psycopg must prepare no
server-side statements (a statement prepared on one server connection is missing on the
next transaction's); by default it prepares the statements it repeats."""

from __future__ import annotations

import pytest

from db import settings as settings_module
from db.bootstrap import PreparedDatabase
from db.pool import open_pool, transaction


@pytest.mark.parametrize("prepared_statements", [True, False])
def test_prepared_statements_follow_the_setting(
    prepared: PreparedDatabase, monkeypatch: pytest.MonkeyPatch, prepared_statements: bool
) -> None:
    monkeypatch.setenv("SELECTIO_DB_PREPARED_STATEMENTS", str(prepared_statements).lower())
    settings_module.get_settings.cache_clear()
    try:
        pool = open_pool(prepared.app_url, min_size=1, max_size=1, name="prepared")
        with pool:
            for _ in range(8):  # past psycopg's threshold (5 runs of one query)
                with transaction(pool) as conn:
                    conn.execute("select %s::int", (1,))
            with transaction(pool) as conn:
                count = conn.execute("select count(*) from pg_prepared_statements").fetchone()[0]
    finally:
        settings_module.get_settings.cache_clear()
    assert (count > 0) is prepared_statements
