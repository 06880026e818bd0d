"""The interview report PDF, printed by real Chromium: valid PDFs in English and Russian whose
text can be read back, the insufficient-evidence report, untrusted transcript text escaped and
never executed or fetched, and how the browser is found.

Each PDF is rendered once per module (a Chromium launch costs about a second).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from pipelines.analysis import pdf
from pipelines.analysis import report_texts as texts
from pipelines.analysis.models import (
    CRITERIA,
    CriterionAssessment,
    EvidenceQuote,
    InterviewAssessment,
    RedFlag,
    TranscriptTurn,
)
from pipelines.analysis.pdf import PdfError, ReportDocument, render_report_html, render_report_pdf
from pipelines.analysis.policy import AnalysisPolicy, decide

TIMEOUT_S = 120  # generous: the test machine is shared and Chromium's first start is slow
MALICIOUS = '<script>alert(1)</script><img src="http://example.com/x.png">'
MSK = timezone(timedelta(hours=3), "MSK")


def _document(
    *,
    name: str,
    vacancy: str,
    language: str,
    criteria: dict[str, tuple[int | None, str, list[EvidenceQuote]]],
    transcript: list[TranscriptTurn],
    red_flags: list[RedFlag] | None = None,
    strengths: list[str] | None = None,
    concerns: list[str] | None = None,
    summary: str = "",
    date: datetime | None = None,
) -> ReportDocument:
    assessment = InterviewAssessment(
        criteria=[
            CriterionAssessment(criterion=c, score=score, rationale=why, evidence=quotes)
            for c, (score, why, quotes) in criteria.items()
        ],
        strengths=strengths or [],
        concerns=concerns or [],
        red_flags=red_flags or [],
        summary=summary,
        language=language,
    )
    policy = AnalysisPolicy()
    return ReportDocument(
        candidate_name=name,
        vacancy_title=vacancy,
        language=language,
        channel="voice",
        interview_date=date,
        duration_s=754.0,
        assessment=assessment,
        verdict=decide(assessment, policy),
        policy=policy,
        transcript=transcript,
        engine="offline",
        generated_at=datetime(2025, 3, 6, 9, 0, tzinfo=UTC),
    )


ENGLISH = _document(
    name="Jane O'Connor",
    vacancy="Senior Python Developer",
    language="en",
    date=datetime(2025, 3, 5, 14, 30, tzinfo=UTC),
    transcript=[
        TranscriptTurn(1, "interviewer", "Hello! Tell me about your experience with Python."),
        TranscriptTurn(
            2,
            "candidate",
            "Seven years of Python. I rewrote the billing service in FastAPI and cut p99 "
            "latency from 800 to 120 milliseconds.",
        ),
        TranscriptTurn(3, "interviewer", "How would you find a memory leak in a service?"),
        TranscriptTurn(
            4,
            "candidate",
            "I would start with tracemalloc snapshots, compare them under load, then bisect.",
        ),
        TranscriptTurn(5, "interviewer", "How many people were on your team?"),
        TranscriptTurn(6, "candidate", f"I worked alone, mostly. {MALICIOUS}"),
        TranscriptTurn(7, "interviewer", "Thank you, that is all from me."),
    ],
    criteria={
        "technical_skills": (
            85,
            "Knows FastAPI and profiling tools in depth.",
            [EvidenceQuote(turn=2, quote="I rewrote the billing service in FastAPI")],
        ),
        "experience_relevance": (78, "Seven years on backend services.", []),
        "communication": (70, "Clear, if brief.", []),
        "problem_solving": (
            72,
            "A sound plan for finding leaks.",
            [EvidenceQuote(turn=4, quote="start with tracemalloc snapshots")],
        ),
        "cultural_fit": (65, "Little said about teamwork.", []),
    },
    strengths=["Deep Python and FastAPI experience"],
    concerns=["Said little about working in a team"],
    red_flags=[RedFlag(kind="injection", text="Put HTML markup into an answer", turn=6)],
    summary="A strong backend engineer; check teamwork in the next round.",
)
RUSSIAN = _document(
    name="Иван Петров",
    vacancy="Бухгалтер по расчёту зарплаты",
    language="ru",
    date=datetime(2025, 3, 5, 14, 30, tzinfo=MSK),
    transcript=[
        TranscriptTurn(1, "interviewer", "Здравствуйте! Расскажите о своём опыте в 1С."),
        TranscriptTurn(
            2,
            "candidate",
            "Пять лет веду расчёт зарплаты в 1С:ЗУП на двести сотрудников, сдаю отчётность в ФНС.",
        ),
        TranscriptTurn(3, "interviewer", "Как вы исправите ошибку в уже выплаченной зарплате?"),
        TranscriptTurn(4, "candidate", "Сделаю перерасчёт в следующем месяце и сторно."),
        TranscriptTurn(5, "system", "Соединение прервано."),
    ],
    criteria={
        "technical_skills": (
            80,
            "Уверенно работает в 1С:ЗУП.",
            [EvidenceQuote(turn=2, quote="веду расчёт зарплаты в 1С:ЗУП")],
        ),
        "experience_relevance": (75, "Опыт совпадает с вакансией.", []),
        "communication": (60, "Отвечает коротко.", []),
        "problem_solving": (None, "", []),
        "cultural_fit": (None, "", []),
    },
    strengths=["Знание 1С:ЗУП"],
    red_flags=[RedFlag(kind="aborted", text="Интервью прервалось на третьем вопросе", turn=5)],
    summary="Опытный бухгалтер; интервью нужно завершить.",
)
INSUFFICIENT = _document(
    name="Alex Kim",
    vacancy="Sales Manager",
    language="en",
    transcript=[
        TranscriptTurn(1, "interviewer", "Hello! Could you tell me about your sales experience?"),
        TranscriptTurn(2, "interviewer", "Are you still there?"),
    ],
    criteria={c: (None, "", []) for c in CRITERIA},
    red_flags=[RedFlag(kind="aborted", text="The candidate did not answer")],
)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _printed(render: Callable[[], bytes]) -> tuple[bytes, list[str]]:
    """PDF bytes and the warnings `pipelines.analysis.pdf` logged while printing them."""
    handler = _Records()
    logger = logging.getLogger(pdf.__name__)
    logger.addHandler(handler)
    try:
        return render(), handler.messages
    finally:
        logger.removeHandler(handler)


def _pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return [
            re.sub(r"\s+", " ", page.extract_text(use_text_flow=True) or "")
            for page in document.pages
        ]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = pdf.find_chromium()
    if path is None:
        pytest.fail("no Chromium found: `playwright install chromium` or `apt install chromium`")
    return path


@pytest.fixture(scope="module")
def english(chromium: str) -> tuple[bytes, list[str]]:
    return _printed(lambda: render_report_pdf(ENGLISH, browser_path=chromium, timeout_s=TIMEOUT_S))


@pytest.fixture(scope="module")
def russian(chromium: str) -> bytes:
    return render_report_pdf(RUSSIAN, browser_path=chromium, timeout_s=TIMEOUT_S)


@pytest.fixture(scope="module")
def insufficient(chromium: str) -> bytes:
    return render_report_pdf(INSUFFICIENT, browser_path=chromium, timeout_s=TIMEOUT_S)


def test_english_report_is_a_pdf_with_the_transcript_appendix(english) -> None:
    data, _ = english
    assert data.startswith(b"%PDF")
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 2
    pages = _pages(data)
    appendix = next(i for i, text in enumerate(pages) if text.startswith("Transcript"))
    assert appendix >= 1  # the transcript starts on its own page
    assert "Seven years of Python" in " ".join(pages[appendix:])
    assert "Seven years of Python" not in " ".join(pages[:appendix])
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_english_report_reads_back(english) -> None:
    text = " ".join(_pages(english[0]))
    assert ENGLISH.verdict.overall == 76
    assert ENGLISH.verdict.recommendation == "consider"  # capped by the injection flag
    assert "Jane O'Connor" in text
    assert "Senior Python Developer" in text
    for criterion in CRITERIA:
        assert texts.CRITERION_NAMES["en"][criterion] in text
    assert re.search(r"76 ?/100", text)
    assert "Consider" in text
    assert "capped at Consider" in text
    assert "“I rewrote the billing service in FastAPI” turn 2" in text
    assert "Prompt injection (turn 6): Put HTML markup into an answer" in text
    assert "5 March 2025, 14:30 UTC" in text
    assert "12 min 34 s" in text
    assert "Weight 30%" in text


def test_russian_report_reads_back_in_cyrillic(russian: bytes) -> None:
    assert russian.startswith(b"%PDF")
    pages = _pages(russian)
    text = " ".join(pages)
    assert RUSSIAN.verdict.status == "partial"
    assert "Иван Петров" in text
    assert "Бухгалтер по расчёту зарплаты" in text
    for criterion in CRITERIA:
        assert texts.CRITERION_NAMES["ru"][criterion] in text
    assert re.search(rf"{RUSSIAN.verdict.overall} ?/100", text)
    assert "Интервью не завершено: оценено критериев — 3 из 5" in text
    assert "«веду расчёт зарплаты в 1С:ЗУП» реплика 2" in text
    assert "5 марта 2025, 14:30 MSK" in text
    assert text.count("не оценено") >= 4  # two criteria, in the chart and in their sections
    assert pages[-1].startswith("Стенограмма")
    assert "Интервьюер" in pages[-1] and "Кандидат" in pages[-1] and "Система" in pages[-1]
    assert f"Стр. 1 из {len(pages)}" in pages[0]


def test_insufficient_report_says_so_and_gives_no_number(insufficient: bytes) -> None:
    text = " ".join(_pages(insufficient))
    assert INSUFFICIENT.verdict.status == "insufficient"
    assert "The candidate gave no answers: no scores were given" in text
    assert "No recommendation" in text
    assert "/100" not in text
    assert text.count("not assessed") == 2 * len(CRITERIA)


def test_transcript_is_escaped_and_fetches_nothing(english) -> None:
    data, warnings = english
    html = render_report_html(ENGLISH)
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=&#34;http://example.com/x.png&#34;&gt;"
        in (html)
    )
    assert "<script" not in html and "<img" not in html
    assert "Jane O&#39;Connor" in html
    assert MALICIOUS in " ".join(_pages(data))  # shown as text
    assert not [w for w in warnings if "blocked" in w]


def test_scripts_never_run_and_requests_are_aborted(chromium: str) -> None:
    """The second line of defence, for HTML that escaping somehow let through."""
    html = (
        "<p>static text</p><img src='http://example.com/x.png'>"
        "<script>document.body.textContent = 'EXECUTED'</script>"
    )
    data, warnings = _printed(
        lambda: pdf.html_to_pdf(html, browser_path=chromium, timeout_s=TIMEOUT_S)
    )
    text = " ".join(_pages(data))
    assert "static text" in text and "EXECUTED" not in text
    assert any("blocked" in w and "http://example.com/x.png" in w for w in warnings)


def _executable(path: Path) -> str:
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return str(path)


def test_find_chromium_prefers_playwright_then_the_system(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundled = _executable(tmp_path / "playwright-chrome")
    debian = _executable(tmp_path / "debian-chromium")
    on_path = _executable(tmp_path / "chromium")
    monkeypatch.setattr(pdf, "DEBIAN_CHROMIUM", debian)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: on_path if name == "chromium" else None)

    monkeypatch.setattr(pdf, "_playwright_chromium", lambda: bundled)
    assert pdf.find_chromium() == bundled
    # Playwright knows where its browser would be, but it was never downloaded.
    monkeypatch.setattr(pdf, "_playwright_chromium", lambda: str(tmp_path / "not-installed"))
    assert pdf.find_chromium() == debian
    monkeypatch.setattr(pdf, "DEBIAN_CHROMIUM", str(tmp_path / "absent"))
    assert pdf.find_chromium() == on_path
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    assert pdf.find_chromium() is None


def test_missing_browser_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(PdfError) as given:
        render_report_pdf(ENGLISH, browser_path=str(tmp_path / "no-chromium"))
    assert given.value.code == "browser_missing"
    assert "no-chromium" in str(given.value)

    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    with pytest.raises(PdfError) as found:
        render_report_pdf(ENGLISH)
    assert found.value.code == "browser_missing"
    assert "playwright install chromium" in str(found.value)


def test_a_broken_browser_is_a_render_failure(tmp_path: Path) -> None:
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 1\n")
    broken.chmod(0o755)
    with pytest.raises(PdfError) as failed:
        render_report_pdf(ENGLISH, browser_path=str(broken), timeout_s=TIMEOUT_S)
    assert failed.value.code == "render_failed"
    assert "Chromium could not print the report" in str(failed.value)


def test_labels_exist_in_both_languages() -> None:
    for table in (
        texts.LABELS,
        texts.CRITERION_NAMES,
        texts.RECOMMENDATIONS,
        texts.STATUS_NOTES,
        texts.REASONS,
        texts.RED_FLAG_KINDS,
        texts.ROLES,
        texts.CHANNELS,
    ):
        assert set(table["en"]) == set(table["ru"])
    assert set(texts.CRITERION_NAMES["en"]) == set(CRITERIA)
    assert texts.format_duration(3900, "ru") == "1 ч 5 мин"
    assert texts.format_duration(45, "en") == "45 s"
    assert texts.format_datetime(None, "en") == "—"
