"""The interview report as a PDF a hiring manager can forward.

`render_report_html` fills a Jinja2 template (autoescaped: the transcript and the quotes are
candidate-written, untrusted text); `render_report_pdf` prints that HTML with Chromium through
Playwright's sync API, with JavaScript disabled and every network request aborted, so the
document is built from the HTML string alone.

The sync API starts its own event loop: call `render_report_pdf` from a thread without a
running asyncio loop (a Ray task, a FastAPI sync endpoint, `asyncio.to_thread`).
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined

from pipelines.analysis import report_texts as texts
from pipelines.analysis.models import CRITERIA, InterviewAssessment, TranscriptTurn
from pipelines.analysis.policy import AnalysisPolicy, Verdict
from pipelines.models import Lang

if TYPE_CHECKING:
    from playwright.sync_api import Route

log = logging.getLogger(__name__)

PdfErrorCode = Literal["browser_missing", "render_failed"]
DEBIAN_CHROMIUM = "/usr/bin/chromium"
# Chart geometry in CSS pixels: the A4 text column is 180 mm ≈ 680 px wide.
CHART = {"width": 680, "label_w": 230, "bar_w": 380, "row_h": 30, "top": 8, "axis_h": 24}
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}
_FOOTER = (
    '<div style="width:100%;margin:0 15mm;font-size:9px;color:#6b7280;'
    "font-family:'Liberation Sans','DejaVu Sans',sans-serif;"
    'display:flex;justify-content:space-between">'
    "<span>{{ t.product }} · {{ candidate }}</span>"
    '<span>{{ t.page }} <span class="pageNumber"></span> {{ t.of }} '
    '<span class="totalPages"></span></span></div>'
)


class PdfError(Exception):
    """The PDF could not be made; `code` is stable ("browser_missing", "render_failed")."""

    def __init__(self, code: PdfErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: PdfErrorCode = code
        self.message = message

    def __repr__(self) -> str:
        return f"PdfError(code={self.code!r}, message={self.message!r})"


@dataclass(frozen=True)
class ReportDocument:
    """Everything the report shows for one analysed interview."""

    candidate_name: str
    vacancy_title: str
    language: Lang
    channel: str  # voice | telegram
    interview_date: datetime | None
    duration_s: float | None
    assessment: InterviewAssessment
    verdict: Verdict
    policy: AnalysisPolicy
    transcript: list[TranscriptTurn]
    engine: str
    generated_at: datetime


# ---- the browser ----------------------------------------------------------------------------


def find_chromium() -> str | None:
    """The Chromium to print with: Playwright's own download when it is installed, else the
    system's (`/usr/bin/chromium`, then `chromium` on PATH), else None."""
    for path in (_playwright_chromium(), DEBIAN_CHROMIUM, shutil.which("chromium")):
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _playwright_chromium() -> str | None:
    """Where Playwright installs its Chromium, or None when Playwright cannot say."""
    try:
        return _ask_playwright()
    except Exception as e:  # no driver, or called inside a running asyncio loop
        log.debug("Playwright's Chromium path unknown: %s", e)
        return None


@functools.cache  # the path is fixed per install; failures raise, so they are not cached
def _ask_playwright() -> str:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return playwright.chromium.executable_path


def _browser_path(explicit: str | None) -> str:
    if explicit:
        if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
            raise PdfError("browser_missing", f"no Chromium executable at {explicit}")
        return explicit
    found = find_chromium()
    if found is None:
        raise PdfError(
            "browser_missing",
            "no Chromium found: run `playwright install chromium` or `apt install chromium`",
        )
    return found


# ---- HTML -----------------------------------------------------------------------------------


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("pipelines.analysis", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report_html(doc: ReportDocument) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no scripts)."""
    return _environment().get_template("report.html.j2").render(**_context(doc))


def _context(doc: ReportDocument) -> dict[str, Any]:
    lang = doc.language
    labels = texts.LABELS[lang]
    names = texts.CRITERION_NAMES[lang]
    by_criterion = doc.assessment.by_criterion()
    total_weight = sum(doc.policy.weights[c] for c in CRITERIA) or 1.0
    criteria = []
    for criterion in CRITERIA:
        item = by_criterion.get(criterion)
        criteria.append(
            {
                "name": names[criterion],
                "score": item.score if item else None,
                "weight": round(100 * doc.policy.weights[criterion] / total_weight),
                "rationale": item.rationale if item else "",
                "evidence": item.evidence if item else [],
            }
        )
    roles = texts.ROLES[lang]
    flags = texts.RED_FLAG_KINDS[lang]
    return {
        "lang": lang,
        "t": labels,
        "doc": doc,
        "meta": [
            (labels["candidate"], doc.candidate_name),
            (labels["vacancy"], doc.vacancy_title),
            (labels["date"], texts.format_datetime(doc.interview_date, lang)),
            (labels["channel"], texts.CHANNELS[lang].get(doc.channel, doc.channel)),
            (labels["duration"], texts.format_duration(doc.duration_s, lang)),
            (labels["engine"], doc.engine),
            (labels["generated"], texts.format_datetime(doc.generated_at, lang)),
        ],
        "verdict": _verdict_view(doc, lang),
        "criteria": criteria,
        "chart": CHART,
        "quotes": texts.QUOTES[lang],
        "red_flags": [
            {"kind": flags.get(f.kind, f.kind), "text": f.text, "turn": f.turn}
            for f in doc.assessment.red_flags
        ],
        "signals": [(k.replace("_", " "), _number(v)) for k, v in doc.assessment.signals.items()],
        "transcript": [
            {
                "seq": turn.seq,
                "role": roles.get(turn.role, turn.role),
                "role_class": turn.role if turn.role in roles else "other",
                "text": turn.text,
            }
            for turn in doc.transcript
        ],
    }


def _verdict_view(doc: ReportDocument, lang: Lang) -> dict[str, Any]:
    verdict = doc.verdict
    recommendations = texts.RECOMMENDATIONS[lang]
    cap = recommendations["consider"]
    assessed = sum(1 for c in doc.assessment.criteria if c.score is not None)
    note = texts.STATUS_NOTES[lang].get(verdict.status)
    reasons = [
        texts.REASONS[lang].get(reason, reason).format(cap=cap)
        for reason in verdict.reasons
        if reason not in ("partial_evidence", "no_answers")  # said by the status note
    ]
    return {
        "status": verdict.status,
        "overall": verdict.overall,
        "recommendation": verdict.recommendation or "none",
        "label": recommendations[verdict.recommendation or "none"],
        "note": note.format(assessed=assessed, total=len(CRITERIA), cap=cap) if note else None,
        "reasons": reasons,
    }


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


# ---- PDF ------------------------------------------------------------------------------------


def render_report_pdf(
    doc: ReportDocument, *, browser_path: str | None = None, timeout_s: float = 30
) -> bytes:
    """The report as A4 PDF bytes, printed by headless Chromium (`browser_path` overrides
    `find_chromium`). Blocking; call it from a thread without a running asyncio loop.

    `timeout_s` bounds each browser step (launch, loading the HTML, printing). Raises
    PdfError("browser_missing") when there is no browser to launch, and
    PdfError("render_failed") when Chromium fails or times out.
    """
    return html_to_pdf(
        render_report_html(doc), footer=_footer(doc), browser_path=browser_path, timeout_s=timeout_s
    )


def _footer(doc: ReportDocument) -> str:
    """Chromium's footer template: product, candidate, "Page N of M" (escaped like the page)."""
    labels = texts.LABELS[doc.language]
    return _environment().from_string(_FOOTER).render(t=labels, candidate=doc.candidate_name)


def html_to_pdf(
    html: str,
    *,
    footer: str = "<div></div>",
    browser_path: str | None = None,
    timeout_s: float = 30,
) -> bytes:
    """Print an HTML string to A4 PDF offline: no JavaScript, no network (see the module)."""
    executable = _browser_path(browser_path)
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    timeout_ms = timeout_s * 1000
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, timeout=timeout_ms
            )
            try:
                context = browser.new_context(java_script_enabled=False)
                context.set_default_timeout(timeout_ms)
                context.route("**/*", _block_network)
                page = context.new_page()
                page.set_content(html, wait_until="load")
                return page.pdf(
                    format="A4",
                    print_background=True,
                    margin=MARGIN,
                    display_header_footer=True,
                    header_template="<div></div>",
                    footer_template=footer,
                )
            finally:
                browser.close()
    except PlaywrightError as e:  # TimeoutError is a subclass
        raise PdfError("render_failed", f"Chromium could not print the report: {e}") from e


def _block_network(route: Route) -> None:
    """The report is self-contained: anything fetched would come from untrusted input."""
    url = route.request.url
    if url.startswith("data:"):
        route.continue_()
        return
    log.warning("report PDF: blocked a network request to %s", url[:200])
    route.abort("blockedbyclient")
