"""What one connection of an interview needs, restored from the database.

Every offer builds a fresh pipeline, and the actor may have restarted since the last one, so
the conversation is rebuilt each time from Postgres: the brain replays the stored turns, the
recorder continues their numbering under the actor's epoch, and the clock goes on from the
interview's elapsed time (less the server's downtime, db.interviews). Blocking (database,
model handles): the actor calls it in a thread.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from actors.errors import InterviewUnavailable
from db import applications, candidates, interviews, resumes, turns, vacancies
from db.pool import transaction
from db.settings import Settings
from pipelines.interviewer import InterviewBrain, PastTurn
from pipelines.models import InterviewPlan
from pipelines.voice.conversation import InterviewConversation
from pipelines.voice.pipeline import IN_RATE, VAD, smart_turn_analyzer
from pipelines.voice.recorder import TurnRecorder


@dataclass(frozen=True)
class ConnectionContext:
    """The interview's status and clock when loaded, and the processors for its pipeline."""

    status: str
    elapsed_s: float
    conversation: InterviewConversation
    stt: Any
    tts: Any


def load_context(
    pool: ConnectionPool,
    settings: Settings,
    *,
    workspace_id: UUID,
    interview_id: int,
    epoch: int,
    on_finished: Callable[[str], Awaitable[None]],
    on_latency: Callable[[int], None],
) -> ConnectionContext:
    """The interview, its transcript and a brain restored from it; `interview_finished` when
    it has ended."""
    from pipelines.engines.speech import (
        speech_engine_ids,
        stt_service_from_settings,
        tts_service_from_settings,
    )
    from pipelines.engines.stt_whisper import SpeechHints

    with transaction(pool, workspace_id=workspace_id) as conn:
        interview = interviews.get_interview(conn, interview_id=interview_id)
        if interview.status in ("completed", "failed"):
            raise InterviewUnavailable("interview_finished", "this interview has ended")
        rows = turns.list_turns(conn, interview_id=interview_id)
        application = applications.get_application(conn, application_id=interview.application_id)
        candidate = candidates.get_candidate(conn, candidate_id=application.candidate_id)
        vacancy = vacancies.get_vacancy(conn, vacancy_id=application.vacancy_id)
        resume = (
            resumes.get_resume(conn, resume_id=application.resume_id)
            if application.resume_id is not None
            else None
        )
        next_seq = turns.next_seq(conn, interview_id=interview_id)
    plan = InterviewPlan.model_validate(interview.plan)
    language = interview.language
    elapsed_s = interview.elapsed_s()
    past = [
        PastTurn(role=t.role, text=t.text, question_index=t.question_index, kind=t.kind)
        for t in rows
        if t.role in ("interviewer", "candidate")
    ]
    brain = InterviewBrain.restore(
        plan, past, language=language, candidate_name=candidate.full_name or None,
        vacancy_title=vacancy.title, max_duration_s=settings.interview_max_duration_s,
        llm=_llm_interviewer(settings),
    )  # fmt: skip
    recorder = TurnRecorder(
        pool, workspace_id=workspace_id, interview_id=interview_id, epoch=epoch,
        next_seq=next_seq,
    )  # fmt: skip
    ids = speech_engine_ids(settings)
    recognizer = _recognizer(settings, ids["stt"])
    requirements, profile = vacancy.requirements or {}, (resume.profile if resume else None)
    hints = SpeechHints.from_skills(
        requirements.get("must_have"), requirements.get("nice_to_have"),
        (profile or {}).get("skills"),
    )  # fmt: skip
    conversation = InterviewConversation(
        brain=brain, recorder=recorder, engines=ids, smart_turn=_turn_analyzer(recognizer),
        on_finished=on_finished, max_duration_s=settings.interview_max_duration_s,
        on_latency=on_latency, speech_hints=hints, speech_end_lag_s=VAD.stop_secs,
        elapsed_before_s=elapsed_s,
    )  # fmt: skip
    return ConnectionContext(
        status=interview.status,
        elapsed_s=elapsed_s,
        conversation=conversation,
        stt=stt_service_from_settings(
            settings, language=language, recognizer=recognizer, hints=hints
        ),
        tts=tts_service_from_settings(settings, language=language),
    )


def _recognizer(settings: Settings, stt_engine: str) -> Any:
    """The node's shared Whisper recogniser (None when a cloud STT is configured)."""
    if not stt_engine.startswith("whisper"):
        return None
    from actors.recognizer import node_recognizer
    from pipelines.engines.whisper_model import locate_whisper_model

    return node_recognizer(str(locate_whisper_model(settings)))


def _turn_analyzer(recognizer: Any) -> Any:
    """Smart-turn in the node's speech host when there is one, else in this process."""
    if recognizer is None:
        return smart_turn_analyzer()
    from actors.recognizer import RemoteSmartTurn

    return RemoteSmartTurn(recognizer.handle, sample_rate=IN_RATE)


def _llm_interviewer(settings: Settings) -> Any:
    """The LLM that words follow-ups when OpenAI is configured (the brain keeps control)."""
    if settings.openai_api_key is None or settings.llm_engine == "offline":
        return None
    from pipelines.interviewer import LLMInterviewer

    return LLMInterviewer(
        api_key=settings.openai_api_key.get_secret_value(),
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        timeout_s=min(settings.openai_timeout_s, 10.0),
    )
