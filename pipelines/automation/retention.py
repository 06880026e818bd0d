"""Data retention (152-FZ / GDPR): candidates older than the workspace's retention period are
erased with everything that holds their personal data, and the erasure is audited."""

from __future__ import annotations

import logging
from uuid import UUID

import psycopg

from db import audit, workspaces
from pipelines.automation.base import JobContext, JobOutcome

log = logging.getLogger(__name__)
AUDIT_ACTION = "retention.erased"


def erase_expired(
    conn: psycopg.Connection, *, workspace_id: UUID, context: JobContext
) -> JobOutcome:
    """Delete the workspace's candidates created more than `retention_days` ago, their resumes
    (the files), messages (with voice recordings) and Telegram chats; applications,
    interviews, turns and reports go with them (cascades). One audit entry lists the erased
    ids, which identify nobody once erased."""
    days = workspaces.get_retention_days(conn, workspace_id=workspace_id)
    if days is None:
        return JobOutcome({"candidates": 0})
    ids = [
        r[0]
        for r in conn.execute(
            """
            select id from candidates
            where created_at < now() - make_interval(days => %s)
            order by id for update
            """,
            (days,),
        ).fetchall()
    ]
    if not ids:
        return JobOutcome({"candidates": 0})
    resumes = conn.execute("delete from resumes where candidate_id = any(%s)", (ids,)).rowcount
    # Their Telegram chats go whole: messages written before the chat was tied to them too.
    messages = conn.execute(
        """
        delete from messages where candidate_id = any(%(ids)s)
           or (channel = 'telegram' and chat_id in (
                select chat_id::text from telegram_chats where candidate_id = any(%(ids)s)))
        """,
        {"ids": ids},
    ).rowcount
    conn.execute("delete from telegram_chats where candidate_id = any(%s)", (ids,))
    conn.execute("delete from candidates where id = any(%s)", (ids,))
    counts = {"candidates": len(ids), "resumes": resumes, "messages": messages}
    audit.record(
        conn, workspace_id=workspace_id, action=AUDIT_ACTION, target_type="candidate",
        details={**counts, "retention_days": days, "candidate_ids": ids},
    )  # fmt: skip
    log.info("workspace %s: retention erased %d candidates", workspace_id, len(ids))
    return JobOutcome(counts)
