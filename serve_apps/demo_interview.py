"""A finished interview in the demo workspace, so the console's reports page has something
real to show: the top candidate of each demo vacancy answered the plan made at screening, and
the real analysis (offline engine, PDF when Chromium is there) wrote the report.

The answers are written per criterion, in the vacancy's language; the interviewer's turns are
the plan's own questions, so the transcript reads like the product's.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from uuid import UUID

from psycopg_pool import ConnectionPool

from db import applications, interviews, turns
from db.pool import transaction
from pipelines.analysis import flow
from pipelines.engine_set import Engines
from pipelines.models import InterviewPlan

log = logging.getLogger(__name__)

GREETING = {
    "en": "Hello, I am Stephanie, and I will run this short interview. Shall we start?",
    "ru": "Здравствуйте, я Стефани, я проведу это короткое интервью. Начнём?",
}
CLOSING = {
    "en": "Thank you, that is all my questions. The team will get back to you soon.",
    "ru": "Спасибо, это все мои вопросы. Команда скоро свяжется с вами.",
}
ANSWERS: dict[str, dict[str, list[str]]] = {
    "en": {
        "technical_skills": [
            "I have used Python for six years, mostly FastAPI and Django with PostgreSQL. "
            "In my last project I designed the schema, added indexes and cut the main report "
            "query from 4 seconds to 300 milliseconds.",
            "We ran everything in Docker on Kubernetes, and I wrote the CI pipeline in GitLab "
            "that runs pytest and deploys to staging on every merge.",
        ],
        "experience_relevance": [
            "At my last job at a logistics company I built the order-tracking API that handles "
            "about two million requests a day, and I led a team of three developers.",
            "Before that I worked on a payments service, where I migrated our jobs to Celery "
            "with Redis and made failed payments retry safely.",
        ],
        "problem_solving": [
            "First I reproduce the problem and measure it. Then I look at the slowest queries "
            "with EXPLAIN ANALYZE, because a missing index is the usual cause, and I test the fix "
            "on a copy of production data before I ship it.",
        ],
        "communication": [
            "I write a short design note before a big change, and I explain trade-offs to the "
            "product manager in plain words, with numbers when I have them.",
        ],
        "cultural_fit": [
            "I like small teams where people review each other's code and give honest "
            "feedback. I mentor juniors every week, and I enjoy it.",
        ],
    },
    "ru": {
        "technical_skills": [
            "Я пять лет пишу SQL каждый день, в основном PostgreSQL и ClickHouse, плюс Python "
            "с pandas для подготовки данных и анализа данных. Дашборды делаю в Power BI, а для "
            "быстрых проверок гипотез использую Jupyter.",
            "Например, я переписала расчёт воронки на оконные функции в SQL, и отчёт стал "
            "строиться за 20 секунд вместо 10 минут. Ещё я автоматизировала выгрузку данных "
            "на Python, и команда перестала тратить на неё 3 часа в неделю.",
        ],
        "experience_relevance": [
            "На прошлой работе в маркетплейсе я три года отвечала за продуктовую аналитику: "
            "считала метрики удержания на SQL и Python, провела больше 40 A/B тестов и делала "
            "еженедельный отчёт для руководства. Мой анализ оттока помог снизить отток на 8%.",
            "До этого два года я работала аналитиком данных в банке: строила модели оттока "
            "клиентов на Python и pandas и внедрила сегментацию, которой пользуется отдел "
            "маркетинга.",
        ],
        "problem_solving": [
            "Сначала я проверяю данные и считаю метрику вручную на небольшой выборке. Потом "
            "ищу, где расходятся цифры, потому что чаще всего ошибка в джойне или в фильтре "
            "дат. Затем исправляю запрос, сравниваю результат с эталоном и добавляю проверку, "
            "чтобы ошибка не повторилась.",
        ],
        "communication": [
            "Я объясняю результаты простыми словами и всегда показываю, что из них следует для "
            "решения: сначала вывод и цифры, потом графики, а детали выношу в приложение. "
            "Например, для руководства я готовлю одну страницу с тремя главными выводами.",
        ],
        "cultural_fit": [
            "Мне важна команда, где можно спокойно задать вопрос и получить обратную связь. "
            "Я сама помогаю коллегам разбираться с SQL и провожу для них короткие воркшопы. "
            "Мне интересно работать с продуктом, и я хочу расти в сторону продуктовой "
            "аналитики и экспериментов.",
        ],
    },
}


def seed_demo_interview(
    pool: ConnectionPool,
    engines: Engines,
    *,
    workspace_id: UUID,
    application_id: int,
    render_pdf: bool = True,
) -> int:
    """A completed voice interview of the application, analysed (with its PDF unless told
    otherwise); returns its id."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        plan = InterviewPlan.model_validate(
            applications.get_interview_plan(conn, application_id=application_id)
        )
        language = plan.language
        interview = interviews.create_interview(
            conn, workspace_id=workspace_id, application_id=application_id, channel="voice",
            language=language, plan=plan.model_dump(mode="json"),
        )  # fmt: skip
        epoch = interviews.bump_epoch(conn, interview_id=interview.id)
        interviews.set_interview_status(conn, interview_id=interview.id, status="active")
        clock = datetime.now(UTC) - timedelta(minutes=20)
        used: dict[str, int] = {}
        script: list[tuple[str, str, int | None, str | None]] = [
            ("interviewer", GREETING[language], None, "greeting")
        ]
        for index, question in enumerate(plan.questions):
            options = ANSWERS[language][question.criterion]
            answer = options[used.get(question.criterion, 0) % len(options)]
            used[question.criterion] = used.get(question.criterion, 0) + 1
            script.append(("interviewer", question.text, index, "question"))
            script.append(("candidate", answer, index, None))
        script.append(("interviewer", CLOSING[language], None, "closing"))
        for seq, (role, text, question_index, kind) in enumerate(script, start=1):
            seconds = 6.0 if role == "interviewer" else len(text.split()) / 2.4
            turns.append_turn(
                conn, workspace_id=workspace_id, interview_id=interview.id, epoch=epoch,
                seq=seq, role=role, text=text, question_index=question_index, kind=kind,
                started_at=clock, ended_at=clock + timedelta(seconds=seconds),
                engine="whisper-base-int8" if role == "candidate" else "espeak-ng",
            )  # fmt: skip
            clock += timedelta(seconds=seconds + 1.0)
        interviews.set_interview_status(conn, interview_id=interview.id, status="completed")
        job = flow.queue_analysis(conn, workspace_id=workspace_id, interview_id=interview.id)
    flow.run_analysis_job(
        pool, engines, workspace_id=workspace_id, job_id=job.id, render_pdf=render_pdf
    )
    log.info("demo interview %s seeded and analysed", interview.id)
    return interview.id
