"""Put a hand-written interview (an `AnalysisInput`) into Postgres the way the product would
have stored it: vacancy requirements, resume profile, plan, statuses and turns."""

from __future__ import annotations

from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from db import interviews, turns
from db.pool import transaction
from db.workspaces import Workspace
from pipelines.analysis.models import AnalysisInput
from tests.db import factories


def store_interview(pool: ConnectionPool, ws: Workspace, data: AnalysisInput) -> int:
    """The id of a new interview holding `data`'s transcript, in `data.status`."""
    with transaction(pool, workspace_id=ws.id) as conn:
        vacancy = factories.vacancy(
            conn, ws, title=data.vacancy_title or "Vacancy", language=data.language
        )
        if data.requirements is not None:
            conn.execute(
                "update vacancies set requirements = %s where id = %s",
                (Jsonb(data.requirements.model_dump(mode="json")), vacancy.id),
            )
        candidate = factories.candidate(conn, ws, full_name=data.candidate_name or "")
        resume = factories.resume(conn, ws)
        if data.profile is not None:
            conn.execute(
                "update resumes set profile = %s where id = %s",
                (Jsonb(data.profile.model_dump(mode="json")), resume.id),
            )
        application = factories.application(
            conn, ws, candidate_id=candidate.id, vacancy_id=vacancy.id, resume_id=resume.id
        )
        interview = interviews.create_interview(
            conn, workspace_id=ws.id, application_id=application.id, channel=data.channel,
            language=data.language,
            plan=data.plan.model_dump(mode="json") if data.plan is not None else None,
        )  # fmt: skip
        epoch = interviews.bump_epoch(conn, interview_id=interview.id)
        if data.status != "created":
            interviews.set_interview_status(conn, interview_id=interview.id, status="active")
        for turn in data.turns:
            turns.append_turn(
                conn, workspace_id=ws.id, interview_id=interview.id, epoch=epoch, seq=turn.seq,
                role=turn.role, text=turn.text, question_index=turn.question_index,
                kind=turn.kind, started_at=turn.started_at, ended_at=turn.ended_at,
            )  # fmt: skip
        if data.status in ("completed", "failed"):
            interviews.set_interview_status(
                conn, interview_id=interview.id, status=data.status,
                reason="the candidate left" if data.status == "failed" else None,
            )  # fmt: skip
        return interview.id
