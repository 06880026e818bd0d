"""The interview over Telegram chat: the voice interview's brain, one message at a time.

Each step reads the transcript, lets the brain (pipelines/interviewer) decide what to say, and
writes the candidate's turn, the interviewer's turns and the outbox messages that carry them in
one transaction, under a lock on the interview row: a turn is stored before its question can
leave (the bot sends the outbox only after the commit), and two messages handled at once take
their turns in order. The brain is rebuilt from the stored turns every time, so a restarted bot
goes on where the conversation was. A chat interview may last days: the brain is given a week,
not the voice interview's half hour, and a silent candidate is nudged by `nudge_silent`. The
interviewer says she is an AI only where the workspace turned that on
(`workspaces.telegram_disclose_ai`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import (
    applications,
    candidates,
    interviews,
    jobs,
    resumes,
    telegram_chats,
    turns,
    vacancies,
    workspaces,
)
from db.errors import Conflict, InvalidTransition, InvalidValue
from db.pool import transaction
from db.telegram_chats import Chat
from pipelines.interviewer.brain import InterviewBrain
from pipelines.interviewer.persona import Persona
from pipelines.interviewer.state import BrainReply, PastTurn, Utterance
from pipelines.models import InterviewPlan
from pipelines.telegram.outbound import Recipient, queue_message
from pipelines.telegram.outreach import zone_of

log = logging.getLogger(__name__)
CHAT_MAX_DURATION_S = 7 * 24 * 3600


class AlreadyInterviewed(Conflict):
    """The application's interview is done: the link does not start another one."""

    code = "already_interviewed"


@dataclass
class ChatStep:
    """What a step did: messages queued, whether the interview ended, its analysis job."""

    interview_id: int | None
    queued: list[str] = field(default_factory=list)
    finished: bool = False
    analysis_job_id: int | None = None


def _recipient(chat: Chat) -> Recipient:
    return Recipient(chat_id=chat.chat_id, access_hash=chat.access_hash, username=chat.username)


def _brain(conn: psycopg.Connection, interview: interviews.Interview) -> InterviewBrain:
    application = applications.get_application(conn, application_id=interview.application_id)
    candidate = candidates.get_candidate(conn, candidate_id=application.candidate_id)
    vacancy = vacancies.get_vacancy(conn, vacancy_id=application.vacancy_id)
    past = [
        PastTurn(role=t.role, text=t.text, question_index=t.question_index, kind=t.kind)
        for t in turns.list_turns(conn, interview_id=interview.id)
        if t.role in ("interviewer", "candidate")
    ]
    disclose = workspaces.get_telegram_disclosure(conn, workspace_id=interview.workspace_id)
    return InterviewBrain.restore(
        InterviewPlan.model_validate(interview.plan), past, language=interview.language,
        candidate_name=candidate.full_name or None, vacancy_title=vacancy.title,
        max_duration_s=CHAT_MAX_DURATION_S, persona=Persona(disclose_ai=disclose),
    )  # fmt: skip


def _locked(conn: psycopg.Connection, interview_id: int) -> interviews.Interview:
    conn.execute("select 1 from interviews where id = %s for update", (interview_id,))
    return interviews.get_interview(conn, interview_id=interview_id)


def _elapsed(interview: interviews.Interview) -> float:
    if interview.started_at is None:
        return 0.0
    return (datetime.now(UTC) - interview.started_at).total_seconds()


def _say(
    conn: psycopg.Connection,
    workspace_id: UUID,
    interview: interviews.Interview,
    chat: Chat,
    reply: BrainReply,
    step: ChatStep,
) -> None:
    """Store the interviewer's turns and queue each as a message, in order."""
    utterances: list[Utterance] = reply.utterances
    for utterance in utterances:
        seq = turns.next_seq(conn, interview_id=interview.id)
        turns.append_turn(
            conn, workspace_id=workspace_id, interview_id=interview.id, epoch=interview.epoch,
            seq=seq, role="interviewer", text=utterance.text,
            question_index=utterance.question_index, kind=utterance.kind,
            engine=utterance.engine,
        )  # fmt: skip
        queue_message(
            conn, workspace_id=workspace_id, to=_recipient(chat), text=utterance.text,
            key=f"iv:{interview.id}:{seq}", candidate_id=chat.candidate_id,
        )  # fmt: skip
        step.queued.append(utterance.text)
    if reply.done:
        step.finished = True
        step.analysis_job_id = _finish(conn, workspace_id, interview)


def _finish(conn: psycopg.Connection, workspace_id: UUID, interview: interviews.Interview) -> int:
    """Completed: the application moves to 'interviewed' and the analysis is queued."""
    interviews.set_interview_status(conn, interview_id=interview.id, status="completed")
    application = applications.get_application(conn, application_id=interview.application_id)
    if application.resume_id is not None:
        try:
            resumes.set_resume_status(conn, resume_id=application.resume_id, status="interviewed")
        except InvalidTransition:
            pass
    applications.set_stage(conn, application_id=application.id, stage="interviewed")
    log.info("telegram interview %s completed", interview.id)
    return jobs.enqueue_job(
        conn, workspace_id=workspace_id, kind=jobs.INTERVIEW_ANALYSIS,
        payload={"interview_id": interview.id},
    ).id  # fmt: skip


def start(pool: ConnectionPool, *, workspace_id: UUID, application_id: int, chat: Chat) -> ChatStep:
    """The candidate opened the invitation's link: tie the chat to the application and begin
    (or, for an interview already under way in this chat, say the current question again)."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        application = applications.get_application(conn, application_id=application_id)
        plan = applications.get_interview_plan(conn, application_id=application_id)
        if not plan or not plan.get("questions"):
            raise InvalidValue("the application has no interview plan yet")
        earlier = interviews.list_interviews(conn, application_id=application_id, limit=50)
        ongoing = [i for i in earlier if i.channel == "telegram"
                   and i.status in ("created", "active")]  # fmt: skip
        if not ongoing and any(i.status == "completed" for i in earlier):
            raise AlreadyInterviewed(f"application {application_id} was interviewed already")
        interview = ongoing[0] if ongoing else interviews.create_interview(
            conn, workspace_id=workspace_id, application_id=application_id, channel="telegram",
            language=plan.get("language", "ru"), plan=plan,
        )  # fmt: skip
        if interview.status == "created":
            interviews.set_interview_status(conn, interview_id=interview.id, status="active")
            interviews.bump_epoch(conn, interview_id=interview.id)
        telegram_chats.tie(
            conn, chat_id=chat.chat_id, candidate_id=application.candidate_id,
            application_id=application_id, interview_id=interview.id,
        )  # fmt: skip
        if application.stage in ("new", "screened"):
            applications.set_stage(conn, application_id=application_id, stage="interview_scheduled")
        interview = _locked(conn, interview.id)
        step = ChatStep(interview.id)
        _say(conn, workspace_id, interview, chat, _brain(conn, interview).opening(), step)
    return step


def answer(pool: ConnectionPool, *, workspace_id: UUID, chat: Chat, text: str) -> ChatStep:
    """A message from the candidate during the interview: stored as their turn, then the
    brain's reply (an acknowledgement, a follow-up, the next question, the closing)."""
    assert chat.interview_id is not None
    with transaction(pool, workspace_id=workspace_id) as conn:
        interview = _locked(conn, chat.interview_id)
        step = ChatStep(interview.id)
        if interview.status != "active":
            return step
        brain = _brain(conn, interview)
        current = brain.current_question
        index = brain.plan.questions.index(current) if current in brain.plan.questions else None
        turns.append_turn(
            conn, workspace_id=workspace_id, interview_id=interview.id, epoch=interview.epoch,
            seq=turns.next_seq(conn, interview_id=interview.id), role="candidate", text=text,
            question_index=index,
        )  # fmt: skip
        reply = brain.on_answer(text, elapsed_s=_elapsed(interview))
        _say(conn, workspace_id, interview, chat, reply, step)
    return step


NUDGE = {
    "ru": "Напоминаю о вопросе выше: ответьте, когда будет удобно — можно коротко.",
    "en": "A gentle reminder about the question above: answer whenever it suits you.",
}
ABANDONED = {
    "ru": "Похоже, сейчас неудобно продолжать, поэтому интервью закрыто. Если захотите "
    "вернуться, напишите рекрутеру. Спасибо!",
    "en": "It seems now is not a good time, so the interview is closed. If you would like to "
    "come back, write to the recruiter. Thank you!",
}
ABANDONED_REASON = "abandoned: no answer in the Telegram chat after a reminder"


def nudge_silent(pool: ConnectionPool, *, workspace_id: UUID, after_s: float) -> ChatStep:
    """Chat interviews waiting for the candidate: one reminder once the last interviewer
    message is `after_s` old; `after_s` after the reminder with no answer, the interview ends
    as abandoned (its answers still analysed). What was queued, and the jobs to start."""
    done = ChatStep(None)
    with transaction(pool, workspace_id=workspace_id) as conn:
        waiting = conn.execute(
            """
            select c.chat_id, i.id, max(t.seq) as last_seq,
                   extract(epoch from now() - max(t.created_at)) as silent_s,
                   extract(epoch from now() - c.nudged_at) as since_nudge_s
            from telegram_chats c
            join interviews i on i.id = c.interview_id and i.status = 'active'
            join interview_turns t on t.interview_id = i.id
            group by c.chat_id, i.id, c.nudged_at
            having (array_agg(t.role order by t.seq desc))[1] = 'interviewer'
            """
        ).fetchall()
    for chat_id, interview_id, last_seq, silent_s, since_nudge_s in waiting:
        if since_nudge_s is None and silent_s >= after_s:
            _remind(pool, workspace_id, chat_id, interview_id, last_seq, done)
        elif since_nudge_s is not None and since_nudge_s >= after_s:
            _abandon(pool, workspace_id, chat_id, interview_id, done)
    return done


def _remind(
    pool: ConnectionPool,
    workspace_id: UUID,
    chat_id: int,
    interview_id: int,
    last_seq: int,
    done: ChatStep,
) -> None:
    with transaction(pool, workspace_id=workspace_id) as conn:
        interview = _locked(conn, interview_id)
        chat = telegram_chats.get(conn, chat_id=chat_id)
        if chat is None or interview.status != "active":
            return
        text = NUDGE.get(interview.language, NUDGE["en"])
        _, created = queue_message(
            conn, workspace_id=workspace_id, to=_recipient(chat), text=text,
            key=f"iv:{interview_id}:nudge-after:{last_seq}", candidate_id=chat.candidate_id,
            timing="unprompted", zone=zone_of(conn, chat.candidate_id),
        )  # fmt: skip
        telegram_chats.mark_nudged(conn, chat_id=chat_id)
    if created:
        done.queued.append(text)


def _abandon(
    pool: ConnectionPool, workspace_id: UUID, chat_id: int, interview_id: int, done: ChatStep
) -> None:
    with transaction(pool, workspace_id=workspace_id) as conn:
        interview = _locked(conn, interview_id)
        chat = telegram_chats.get(conn, chat_id=chat_id)
        if chat is None or interview.status != "active":
            return
        text = ABANDONED.get(interview.language, ABANDONED["en"])
        queue_message(
            conn, workspace_id=workspace_id, to=_recipient(chat), text=text,
            key=f"iv:{interview_id}:abandoned", candidate_id=chat.candidate_id,
            timing="unprompted", zone=zone_of(conn, chat.candidate_id),
        )  # fmt: skip
        interviews.set_interview_status(
            conn, interview_id=interview_id, status="failed", reason=ABANDONED_REASON
        )
        answered = conn.execute(
            "select exists (select 1 from interview_turns where interview_id = %s "
            "and role = 'candidate')",
            (interview_id,),
        ).fetchone()
        if answered and answered[0]:
            done.analysis_job_id = jobs.enqueue_job(
                conn, workspace_id=workspace_id, kind=jobs.INTERVIEW_ANALYSIS,
                payload={"interview_id": interview_id},
            ).id  # fmt: skip
    done.queued.append(text)
    log.info("telegram interview %s abandoned after a reminder", interview_id)
