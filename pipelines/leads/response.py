"""Drafting the response to a lead: which prompt, which language, what to say, which channel.

`draft_response` takes the lead's prompt variant (or chooses one by the workspace's policy and
records it on the lead), the lead's language (detected from its text when the analysis left
none), and builds the context from the lead: the vacancy, the client's KPIs, whether budget and
timeline are known, the fit reasons and the best bench match still on the bench (first name,
headline, matching skills, years, when they can start). The questions, the pitch, the
sender's name and the booking link complete it: the profile's plain `booking_url`, or the
literal `{booking_link}` when the profile has a Calendly event type — the sender replaces it
with a personal scheduling link at send time (response_texts.fill_booking_link).

The LLM writes it when settings have an OpenAI key and `llm_engine` is not 'offline'; on any
failure or a refused answer the offline template writes it, engine 'offline', with the reason
logged. The response is stored as a draft (db.lead_responses) and the lead's history gets a
'note' with no person as its author, naming the variant and the engine: a draft is work in
progress, not a message, so `message_out` waits for the sender.

The channel follows the lead's board: djinni, linkedin and hh answer there, anything else by
e-mail to the lead's contact address (the analysis' when the lead has none), with a subject.
No connection is held while the model writes.
"""

from __future__ import annotations

import logging
import random
import re
from datetime import date
from typing import Any
from uuid import UUID

import psycopg
from psycopg_pool import ConnectionPool

from db import bench, lead_responses, leads
from db.errors import NotFound
from db.lead_responses import LeadResponse, ResponseLocked
from db.leadgen_profiles import LeadgenProfile, get_profile
from db.pool import transaction
from db.settings import Settings
from pipelines.engines.errors import EngineError
from pipelines.interviewer.texts import first_name
from pipelines.leads.response_llm import LLMResponder
from pipelines.leads.response_texts import (
    BOOKING_PLACEHOLDER,
    MAX_KPI_CHARS,
    MAX_KPIS,
    MAX_MISSING,
    MAX_SKILLS,
    Drafted,
    Person,
    ResponseContext,
    fit_lines,
    render,
    style_of,
)
from pipelines.leads.variants import assign_variant
from pipelines.models import Lang
from pipelines.profiles.sections import detect_language

log = logging.getLogger(__name__)

OFFLINE_ENGINE = "offline"
CHANNEL_BY_SOURCE = {"djinni": "djinni", "linkedin": "linkedin", "hh": "hh"}
_EDGE = re.compile(r"^[\s\-–—*•·●▪]+|[\s.;:,]+$")


def _clip(text: str, limit: int) -> str:
    text = _EDGE.sub("", " ".join(str(text).split()))
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def language_of(lead: leads.Lead) -> Lang:
    """The lead's language, detected from its title and text when the analysis left none."""
    if lead.language in ("ru", "en"):
        return "ru" if lead.language == "ru" else "en"
    return "ru" if detect_language(f"{lead.title}\n{lead.description}") == "ru" else "en"


def contact_email(lead: leads.Lead) -> str | None:
    """Where an e-mail response goes: the lead's contact, else the analysis' first e-mail."""
    email = (lead.contact or {}).get("email")
    if not email:
        found = ((lead.analysis or {}).get("contact") or {}).get("emails") or []
        email = found[0] if found else None
    return email.strip() if isinstance(email, str) and "@" in email else None


def channel_for(lead: leads.Lead) -> tuple[str, str | None]:
    """(channel, recipient): the board's own channel, else e-mail to the contact address."""
    channel = CHANNEL_BY_SOURCE.get(lead.source)
    if channel is not None:
        return channel, None
    return "email", contact_email(lead)


def booking_link(profile: LeadgenProfile) -> str:
    """What the response offers for a call: the placeholder that sending fills (a single-use
    Calendly link, or the plain booking link tagged with the lead, so a booking finds its lead
    either way), or "" when the workspace has neither."""
    if profile.calendly_event_type or (profile.booking_url or "").strip():
        return BOOKING_PLACEHOLDER
    return ""


def _best_person(
    conn: psycopg.Connection, lead: leads.Lead
) -> tuple[Person | None, tuple[str, ...]]:
    """The best-scored bench match still on the bench, and what it lacks."""
    matches = sorted(lead.bench_matches or [], key=lambda m: -float(m.get("score") or 0))
    for match in matches:
        available_from, headline = None, str(match.get("headline") or "")
        name = str(match.get("name") or "")
        if match.get("candidate_id") is not None:
            try:
                member = bench.get_member(conn, candidate_id=int(match["candidate_id"]))
            except NotFound:
                continue  # left the bench since the lead was scored
            available_from, headline = member.available_from, headline or member.headline
            name = name or member.full_name
        first = first_name(name)
        if not first:
            continue
        years = match.get("years")
        person = Person(
            first_name=first,
            headline=_clip(headline, 120),
            matched=tuple(_clip(s, 60) for s in (match.get("matched") or [])[:MAX_SKILLS]),
            years=int(round(float(years))) if years and float(years) >= 1 else None,
            available_from=available_from,
        )
        missing = tuple(_clip(s, 60) for s in (match.get("missing") or [])[:MAX_MISSING])
        return person, tuple(m for m in missing if m)
    return None, ()


def _full_stack(lead: leads.Lead) -> bool:
    """Whether the fit found every must-have skill of the vacancy among what the team sells."""
    for reason in lead.fit_reasons or []:
        if reason.get("code") == "stack":
            points, top = reason.get("points"), reason.get("max")
            return (
                isinstance(points, int | float)
                and isinstance(top, int | float)
                and 0 < top <= points
            )
    return False


def _min_years(analysis: dict[str, Any]) -> int | None:
    value = (analysis.get("requirements") or {}).get("min_years")
    return int(round(float(value))) if isinstance(value, int | float) and value >= 1 else None


def build_context(
    conn: psycopg.Connection,
    lead: leads.Lead,
    *,
    profile: LeadgenProfile,
    instructions: str,
    today: date | None = None,
) -> ResponseContext:
    """What the response may say about this lead, in its language and its variant's style."""
    language = language_of(lead)
    analysis: dict[str, Any] = lead.analysis or {}
    person, missing = _best_person(conn, lead)
    contact = (lead.contact or {}).get("name") or (analysis.get("contact") or {}).get("name")
    timeline = analysis.get("timeline") or {}
    kpis = [_clip(k, MAX_KPI_CHARS) for k in analysis.get("kpis") or [] if isinstance(k, str)]
    return ResponseContext(
        language=language,
        style=style_of(instructions),
        title=_clip(lead.title or analysis.get("title") or "", 150),
        company=_clip(lead.company or analysis.get("company") or "", 100),
        contact_name=(first_name(_clip(contact, 80)) or "") if isinstance(contact, str) else "",
        person=person,
        kpis=tuple(k for k in kpis if k)[:MAX_KPIS],
        missing=missing,
        budget_known=bool(analysis.get("budget")),
        timeline_known=any(timeline.get(k) for k in ("asap", "start", "duration"))
        if isinstance(timeline, dict)
        else bool(timeline),
        reasons=fit_lines(
            language,
            full_stack=_full_stack(lead),
            years=person.years if person is not None else None,
            min_years=_min_years(analysis),
        ),
        pitch=profile.pitch.strip(),
        sender_name=" ".join(profile.sender_name.split()),
        booking=booking_link(profile),
        today=today or date.today(),
    )


def write(
    ctx: ResponseContext, *, instructions: str, vacancy_text: str, llm: LLMResponder | None
) -> tuple[Drafted, str, str | None]:
    """(the response, the engine that wrote it, why the LLM's was not used): the LLM's when it
    gives a usable one, else the offline template's."""
    if llm is None:
        return render(ctx), OFFLINE_ENGINE, None
    try:
        return llm.write(ctx, instructions=instructions, vacancy_text=vacancy_text), llm.id, None
    except EngineError as e:
        reason = f"{e.code}: {e.message}"
    except Exception as e:  # any failure of the cloud path falls back, and says so
        log.exception("the LLM response writer failed")
        reason = f"engine_error: {type(e).__name__}"
    return render(ctx), OFFLINE_ENGINE, reason


def draft_response(
    pool: ConnectionPool,
    settings: Settings,
    workspace_id: UUID,
    lead_id: int,
    *,
    rng: random.Random | None = None,
    llm: LLMResponder | None = None,
) -> LeadResponse:
    """Draft (or redraft) the lead's response and store it; `ResponseLocked` once the
    response is queued or sent. `llm` defaults to the one the settings configure."""
    with transaction(pool, workspace_id=workspace_id) as conn:
        existing = lead_responses.get_for_lead(conn, lead_id=lead_id)
        if existing is not None and existing.status not in lead_responses.EDITABLE:
            raise ResponseLocked(f"the response to lead {lead_id} is {existing.status}")
        lead = leads.get_lead(conn, lead_id=lead_id)
        profile = get_profile(conn)
        variant = assign_variant(conn, workspace_id, lead_id=lead_id,
                                 policy=profile.variant_policy, rng=rng)  # fmt: skip
        ctx = build_context(conn, lead, profile=profile, instructions=variant.instructions)
    if llm is None:
        llm = LLMResponder.from_settings(settings)
    vacancy_text = f"{lead.title}\n{lead.description}"
    drafted, engine, fallback = write(
        ctx, instructions=variant.instructions, vacancy_text=vacancy_text, llm=llm
    )
    if fallback is not None:
        log.warning("lead %s: the LLM response was not used (%s); offline template instead",
                    lead_id, fallback)  # fmt: skip
    channel, recipient = channel_for(lead)
    with transaction(pool, workspace_id=workspace_id) as conn:
        response = lead_responses.save_draft(
            conn,
            workspace_id=workspace_id,
            lead_id=lead_id,
            variant_id=variant.id,
            language=ctx.language,
            subject=drafted.subject if channel == "email" else "",
            body=drafted.body,
            engine=engine,
            channel=channel,
            recipient=recipient,
        )
        data: dict[str, Any] = {"response_id": response.id, "variant_id": variant.id,
                                "engine": engine}  # fmt: skip
        if fallback is not None:
            data["llm_fallback"] = fallback
        leads.add_event(conn, lead_id=lead_id, kind="note", data=data,
                        body=f"response drafted ({variant.label}, engine {engine})")  # fmt: skip
    return response
