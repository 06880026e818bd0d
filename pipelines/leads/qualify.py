"""Qualify new leads: analyse, embed, deduplicate and score each one, then move it.

One run reads the workspace's profile, its whole bench and the batch of leads still waiting
for their analysis in one transaction, then takes the leads in groups of WRITE_GROUP. The
analysis, the embedding and the score are computed outside any transaction; the group is then
stored in one transaction (one commit, one WAL flush, for all of it), each lead in a savepoint
of its own: the lead is locked and checked unchanged since the batch was read (a lead edited or
analysed meanwhile is left alone: the next run takes the new text), and everything is written:
the analysis (with its `analysed` event), a duplicate marked (archived, naming the lead it
repeats), an archive for a lead excluded or under the fit threshold (the reason names the
score, the threshold and what was missing: never silently dropped), 'qualified' for the rest,
and the owner told about a strong one (`lead.strong`, once per lead). Only a 'new' lead is
moved or told about: one a person already moved keeps its status.

A lead whose analysis or writes raise fails alone: it is logged, its savepoint rolled back,
and it is stored as analysed with fit 0 and archived with "analysis failed: <ExceptionName>";
the others go on. An engine error that trying again can help (a cloud embedder's timeout or
rate limit) is the engine's, not the lead's: that lead stays unanalysed for the next run. A
group whose transaction cannot commit (the connection lost) is stored by the next run.

A lead's vector is the sentence encoding of its title and requirements (`embedding_text`), not
of its whole text; it is stored under "<engine id>/requirements", so deduplication compares it
by cosine only with vectors of the same kind (leads stored before, under the bare engine id,
compare by their texts' shingles instead), while the bench, whose resumes that engine
embedded, is compared under the engine's own id.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import bench, leads, notifications
from db.errors import NotFound
from db.leadgen_profiles import LeadgenProfile, get_profile
from db.pool import transaction
from pipelines.engine_set import Engines
from pipelines.engines.embeddings import Embedder
from pipelines.engines.errors import EngineError
from pipelines.leads.analysis import LeadAnalysis, analyse_lead, embedding_text
from pipelines.leads.dedupe import dedupe_key, find_duplicate
from pipelines.leads.fit import BenchIndex, Fit, score_fit

log = logging.getLogger(__name__)
_REASON_CHARS = 500
VECTOR_OF = "requirements"  # what of a lead its vector encodes (`embedding_text`)
WRITE_GROUP = 20  # leads stored per transaction (module docstring)


@dataclass
class QualifyResult:
    """What one run did, by lead id (`analysed` counts the leads analysed without failure)."""

    analysed: int = 0
    qualified: list[int] = field(default_factory=list)
    archived: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    strong: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def extend(self, other: QualifyResult) -> None:
        """Add what another part of the run did."""
        self.analysed += other.analysed
        for name in ("qualified", "archived", "duplicates", "strong", "failed"):
            getattr(self, name).extend(getattr(other, name))


@dataclass(frozen=True)
class _Scored:
    """What was computed for one lead outside any transaction."""

    analysis: LeadAnalysis
    vector: list[float]
    fit: Fit


def qualify_leads(
    pool: ConnectionPool,
    engines: Engines,
    workspace_id: UUID,
    lead_ids: Sequence[int] | None = None,
    *,
    limit: int = 200,
) -> QualifyResult:
    """Analyse and move the workspace's unanalysed leads (or those of `lead_ids` still
    unanalysed), oldest first, at most `limit`."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        profile = get_profile(conn)
        members = bench.members_for_matching(conn)
        batch = leads.unanalysed_leads(conn, lead_ids=lead_ids, limit=limit)
    index = BenchIndex(members)
    result = QualifyResult()
    for start in range(0, len(batch), WRITE_GROUP):
        group = batch[start : start + WRITE_GROUP]
        scored = _score_group(engines, group, profile, index)
        done = QualifyResult()
        try:
            with transaction(pool, workspace_id=workspace_id) as conn:
                for lead, outcome in zip(group, scored, strict=True):
                    _write(conn, lead, outcome, profile, engines.embedder.id, done)
        except Exception:
            # The connection or the commit failed: nothing of the group is stored, and its
            # leads wait for the next run.
            log.exception("leads %s-%s could not be stored; left for the next run",
                          group[0].id, group[-1].id)  # fmt: skip
            result.failed.extend(lead.id for lead in group)
            continue
        result.extend(done)
    log.info("leads qualified in %s: %s analysed, %s qualified, %s archived, %s duplicates, "
             "%s strong, %s failed", workspace_id, result.analysed, len(result.qualified),
             len(result.archived), len(result.duplicates), len(result.strong),
             len(result.failed))  # fmt: skip
    return result


def vector_kind(engine: str) -> str:
    """The label a lead's vector is stored under (module docstring)."""
    return f"{engine}/{VECTOR_OF}"


def _score_group(
    engines: Engines, group: Sequence[leads.Lead], profile: LeadgenProfile, index: BenchIndex
) -> list[_Scored | Exception]:
    """Each lead's analysis, vector and fit, or what computing them raised (it fails alone)."""
    analyses: list[LeadAnalysis | Exception] = []
    for lead in group:
        try:
            analyses.append(analyse_lead(lead.title, lead.description, company=lead.company))
        except Exception as e:
            analyses.append(e)
    texts = [embedding_text(a, lead.description) for lead, a in zip(group, analyses, strict=True)
             if isinstance(a, LeadAnalysis)]  # fmt: skip
    vectors = iter(_embed(engines.embedder, texts))
    out: list[_Scored | Exception] = []
    for lead, analysis in zip(group, analyses, strict=True):
        if isinstance(analysis, Exception):
            out.append(analysis)
            continue
        vector = next(vectors)
        if isinstance(vector, Exception):
            out.append(vector)
            continue
        try:
            fit = score_fit(analysis, profile, index, lead_vector=vector,
                            lead_engine=engines.embedder.id, company=lead.company,
                            text=lead.description)  # fmt: skip
        except Exception as e:
            out.append(e)
            continue
        out.append(_Scored(analysis, vector, fit))
    return out


def _embed(embedder: Embedder, texts: list[str]) -> list[list[float] | Exception]:
    """The texts' vectors in one call (the sentence encoder runs short texts a quarter faster
    together), else one by one, so that a text the engine refuses fails alone; an error worth
    retrying later (a cloud engine's rate limit) is every text's, with no call more."""
    if not texts:
        return []
    try:
        vectors = embedder.embed(texts)
    except EngineError as e:
        if e.retryable:
            return [e] * len(texts)
    except Exception:
        log.debug("embedding %s texts together failed; one by one", len(texts), exc_info=True)
    else:
        if len(vectors) == len(texts):
            return list(vectors)
    out: list[list[float] | Exception] = []
    for text in texts:
        try:
            out.append(embedder.embed([text])[0])
        except Exception as e:
            out.append(e)
    return out


def _write(
    conn: psycopg.Connection,
    lead: leads.Lead,
    scored: _Scored | Exception,
    profile: LeadgenProfile,
    engine: str,
    result: QualifyResult,
) -> None:
    """Store one lead's outcome in a savepoint of its group's transaction, so that a lead
    whose writes fail is rolled back alone, and note it in `result`."""
    if isinstance(scored, EngineError) and scored.retryable:
        # The engine is down, not the lead: it stays unanalysed for the next run.
        log.warning("lead %s: %s; analysis left for the next run", lead.id, scored.message)
        result.failed.append(lead.id)
        return
    if isinstance(scored, Exception):
        log.error("lead %s: analysis failed", lead.id, exc_info=scored)
        result.failed.append(lead.id)
        _store_failure(conn, lead.id, scored)
        return
    try:
        with conn.transaction():
            outcomes = _store(conn, lead, scored, profile, engine)
    except NotFound:
        return  # deleted since the batch was read
    except Exception as e:
        log.exception("lead %s: the analysis could not be stored", lead.id)
        result.failed.append(lead.id)
        _store_failure(conn, lead.id, e)
        return
    if outcomes is None:
        return  # analysed or changed meanwhile; the next run takes the new text
    result.analysed += 1
    for outcome in outcomes:
        getattr(result, outcome).append(lead.id)


def _store(
    conn: psycopg.Connection,
    lead: leads.Lead,
    scored: _Scored,
    profile: LeadgenProfile,
    engine: str,
) -> list[str] | None:
    """The result lists this lead joins, or None when it changed since the batch was read."""
    current = leads.get_lead(conn, lead_id=lead.id, for_update=True)
    if current.analyzed_at is not None or (current.title, current.description) != (
        lead.title, lead.description):  # fmt: skip
        return None
    analysis, fit, kind = scored.analysis, scored.fit, vector_kind(engine)
    stored = leads.save_analysis(
        conn, lead_id=lead.id, language=analysis.language, analysis=analysis.to_json(),
        fit_score=fit.score, fit_reasons=fit.reasons, bench_matches=fit.bench_matches,
        dedupe_key=dedupe_key(lead.company, lead.title), embedding=scored.vector,
        embedding_engine=kind,
    )  # fmt: skip
    return _move(conn, stored, fit, profile, scored.vector, kind)


def _move(
    conn: psycopg.Connection,
    lead: leads.Lead,
    fit: Fit,
    profile: LeadgenProfile,
    vector: list[float],
    engine: str,
) -> list[str]:
    if lead.status != "new":
        return []  # a person moved it already: it keeps its status, and they know it
    if (original := find_duplicate(conn, lead, vector, engine=engine)) is not None:
        leads.mark_duplicate(conn, lead_id=lead.id, duplicate_of=original)
        return ["duplicates"]
    if profile.updated_at is None:
        # The workspace never said what it sells: scored (against the bench, if any) for the
        # Leads page, but neither archived nor drafted for until the profile is saved.
        return []
    if fit.excluded or fit.score < profile.fit_threshold:
        leads.set_status(conn, lead_id=lead.id, status="archived",
                         reason=archive_reason(fit, profile.fit_threshold))  # fmt: skip
        return ["archived"]
    leads.set_status(conn, lead_id=lead.id, status="qualified")
    if fit.score < profile.strong_threshold:
        return ["qualified"]
    notifications.notify(
        conn, workspace_id=lead.workspace_id, kind="lead.strong",
        dedupe_key=f"lead.strong:{lead.id}", subject=strong_subject(lead, fit),
    )  # fmt: skip
    return ["qualified", "strong"]


def archive_reason(fit: Fit, threshold: int) -> str:
    """Why a lead was archived: the score, the threshold and what cost points."""
    if fit.excluded:
        head = f"{fit.reasons[0]['text']['en']} (fit {fit.score}, threshold {threshold})"
        return head[:_REASON_CHARS]
    missing = "; ".join(fit.shortfalls()) or "no part scored well enough"
    return f"fit {fit.score} < threshold {threshold}: {missing}"[:_REASON_CHARS]


def strong_subject(lead: leads.Lead, fit: Fit) -> dict[str, object]:
    """The fields `lead.strong`'s text needs (db/notification_texts.py), and the lead's id."""
    best = ", ".join(f"{m['name']} ({m['score']})" for m in fit.bench_matches[:2])
    return {
        "title": lead.title,
        "company": lead.company or "—",
        "source": lead.source,
        "fit_score": fit.score,
        "bench": best or "—",
        "lead_id": lead.id,
        "url": lead.url,
    }


def _store_failure(conn: psycopg.Connection, lead_id: int, error: Exception) -> None:
    """Record a failed analysis (in a savepoint) so the lead is neither retried forever nor
    lost."""
    name = type(error).__name__
    reason = f"analysis failed: {name}"
    try:
        with conn.transaction():
            lead = leads.get_lead(conn, lead_id=lead_id, for_update=True)
            leads.save_analysis(
                conn, lead_id=lead_id, language=None, analysis={"error": name},
                fit_score=0, bench_matches=[], dedupe_key=None,
                fit_reasons=[{"code": "analysis_failed", "points": 0, "max": 0,
                              "text": {"en": reason, "ru": f"анализ не удался: {name}"}}],
            )  # fmt: skip
            if lead.status == "new":
                leads.set_status(conn, lead_id=lead_id, status="archived", reason=reason)
    except Exception:
        log.exception("lead %s: the failed analysis could not be stored either", lead_id)
