"""Lead-gen settings: what the workspace sells (its profile: stacks, seniority, rates, regions,
languages, exclusions, thresholds, per-board daily caps, the booking link or Calendly), the
bench (its own candidates offered to clients) and the versioned response prompts.

Everyone in the workspace reads them; owners change the profile and Calendly, recruiters keep
the bench and the prompts. The boards' sessions (Djinni, LinkedIn) are leads_sessions.py's.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from db import bench, lead_variants, leadgen_profiles, leads
from db.pool import transaction
from db.secret_box import SecretBox
from pipelines.leads import calendly
from serve_apps.deps import WORKSPACE_ERRORS, AppDispatcher, AppSettings, CurrentWorkspace, Pool
from serve_apps.errors import BODY_ERRORS, ApiError, error_doc

router = APIRouter(prefix="/leads/setup", tags=["leads"], responses=WORKSPACE_ERRORS)
OWNERS = {403: error_doc("needs the owner role (`role_too_low`)")}
RECRUITERS = {403: error_doc("needs the recruiter role (`role_too_low`)")}
NOT_FOUND = {404: error_doc("not in the workspace (`not_found`)")}


class ProfileIn(BaseModel):
    pitch: str = Field(default="", max_length=4000, description="who you are, in two lines")
    stacks: list[str] = Field(default_factory=list, max_length=100)
    seniority: list[str] = Field(default_factory=list, max_length=10)
    rate_min: float | None = Field(default=None, ge=0)
    rate_max: float | None = Field(default=None, ge=0)
    rate_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    rate_unit: Literal["hour", "month"] = "hour"
    regions: list[str] = Field(default_factory=list, max_length=100)
    languages: list[str] = Field(default_factory=list, max_length=20)
    stop_words: list[str] = Field(default_factory=list, max_length=200)
    blocked_companies: list[str] = Field(default_factory=list, max_length=500)
    fit_threshold: int = Field(
        default=45, ge=0, le=100, description="leads under it are archived with the reason"
    )
    strong_threshold: int = Field(
        default=75, ge=0, le=100, description="leads at or above it are told to the team"
    )
    auto_send_threshold: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="responses to leads at or above it go without approval; none: never",
    )
    daily_caps: dict[str, int] = Field(
        default_factory=lambda: {"djinni": 20, "linkedin": 10, "hh": 20, "email": 50},
        description="responses sent per board per day",
    )
    variant_policy: Literal["thompson", "fixed"] = "thompson"
    sender_name: str = Field(default="", max_length=200)
    sender_email: str | None = Field(default=None, max_length=320)
    booking_url: str | None = Field(default=None, max_length=2000)
    calendly_event_type: str | None = Field(
        default=None, max_length=2000, description="the event type URI the links are made for"
    )
    meeting_timezone: str = Field(default="UTC", max_length=64)
    hh_resume_id: str | None = Field(
        default=None, max_length=100, description="the HH resume HeadHunter responses go with"
    )


class ProfileOut(ProfileIn):
    has_calendly_token: bool
    has_calendly_signing_key: bool
    calendly_webhook_url: str = Field(description="where Calendly's webhooks must be sent")
    updated_at: datetime | None = None


class CalendlyIn(BaseModel):
    # Printable ASCII without spaces: what Calendly issues, and what an HTTP header can carry.
    token: str = Field(min_length=10, max_length=4000, pattern=r"^[!-~]+$",
                       description="a personal access token")  # fmt: skip
    signing_key: str = Field(min_length=8, max_length=400, pattern=r"^[!-~]+$",
                             description="the webhook subscription's signing key")  # fmt: skip


class BenchIn(BaseModel):
    headline: str = Field(default="", max_length=300)
    rate: str | None = Field(default=None, max_length=100)
    available_from: date | None = None
    note: str = Field(default="", max_length=2000)


class BenchOut(BaseModel):
    candidate_id: int
    full_name: str
    headline: str
    rate: str | None
    available_from: date | None
    note: str
    skills: list[str] = Field(default_factory=list)
    years: float | None = None
    location: str | None = None
    added_at: datetime


class VariantIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    instructions: str = Field(min_length=1, max_length=8000)
    share: float = Field(default=1.0, ge=0)


class VariantPatch(BaseModel):
    instructions: str | None = Field(
        default=None,
        min_length=1,
        max_length=8000,
        description="a new version; the old one is retired",
    )
    share: float | None = Field(default=None, ge=0)
    retired: bool | None = Field(default=None, description="true retires the variant")


class VariantOut(BaseModel):
    id: int
    name: str
    version: int
    instructions: str
    share: float
    retired_at: datetime | None
    created_at: datetime


def _hook_url(settings: Any, workspace_id: Any) -> str:
    return f"{settings.public_api_url.rstrip('/')}/api/v1/hooks/calendly/{workspace_id}"


def _profile_out(profile: Any, settings: Any, workspace_id: Any) -> ProfileOut:
    fields = {k: v for k, v in asdict(profile).items() if k in ProfileOut.model_fields}
    return ProfileOut(**fields, calendly_webhook_url=_hook_url(settings, workspace_id))


def _box(settings: Any) -> SecretBox:
    return SecretBox(settings.resolved_secret_key())


@router.get("/profile", response_model=ProfileOut)
def get_profile(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> ProfileOut:
    """What the workspace sells, its thresholds, caps and meeting settings."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return _profile_out(leadgen_profiles.get_profile(conn), settings, access.workspace_id)


@router.put("/profile", response_model=ProfileOut, responses={**BODY_ERRORS, **OWNERS})
def save_profile(
    body: ProfileIn,
    access: CurrentWorkspace,
    pool: Pool,
    settings: AppSettings,
    dispatcher: AppDispatcher,
) -> ProfileOut:
    """Save the profile as a whole; the leads nobody has touched yet (status new) are scored
    against it again (a worker does it)."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        leadgen_profiles.save_profile(conn, workspace_id=access.workspace_id,
                                      updated_by=access.principal.user_id,
                                      **body.model_dump())  # fmt: skip
        rescored = leads.rescore_new(conn)
        out = _profile_out(leadgen_profiles.get_profile(conn), settings, access.workspace_id)
    if rescored:
        dispatcher.submit_import(access.workspace_id, "leads", ())
    return out


@router.put("/calendly", response_model=ProfileOut,
            responses={**BODY_ERRORS, **OWNERS,
                       422: error_doc("Calendly refused the token (`calendly_unauthorized`)"),
                       503: error_doc("Calendly could not be reached (`calendly_unavailable`, "
                                      "`calendly_rate_limited`)")})  # fmt: skip
def set_calendly(
    body: CalendlyIn, access: CurrentWorkspace, pool: Pool, settings: AppSettings
) -> ProfileOut:
    """Subscribe the token's Calendly organization to invitee events at this workspace's
    webhook address (signed with the key), then keep both sealed; never shown again. Nothing
    is kept when Calendly refuses."""
    access.require("owner")
    try:
        calendly.connect_webhooks(body.token, body.signing_key,
                                  _hook_url(settings, access.workspace_id),
                                  base_url=calendly.api_url(settings))  # fmt: skip
    except calendly.CalendlyError as e:
        error = ApiError(e.message, code=e.code)
        error.status = 503 if e.retryable else 422
        raise error from e
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        leadgen_profiles.set_calendly_secrets(conn, workspace_id=access.workspace_id,
                                              token=body.token, signing_key=body.signing_key,
                                              box=_box(settings))  # fmt: skip
        return _profile_out(leadgen_profiles.get_profile(conn), settings, access.workspace_id)


@router.delete("/calendly", response_model=ProfileOut, responses=OWNERS)
def forget_calendly(access: CurrentWorkspace, pool: Pool, settings: AppSettings) -> ProfileOut:
    """Forget Calendly's secrets: the plain booking link is used from now on."""
    access.require("owner")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        leadgen_profiles.set_calendly_secrets(conn, workspace_id=access.workspace_id,
                                              token=None, signing_key=None,
                                              box=_box(settings))  # fmt: skip
        return _profile_out(leadgen_profiles.get_profile(conn), settings, access.workspace_id)


def _bench_out(member: Any) -> BenchOut:
    fields = {k: v for k, v in asdict(member).items() if k in BenchOut.model_fields}
    return BenchOut(**fields)


@router.get("/bench", response_model=list[BenchOut])
def list_bench(access: CurrentWorkspace, pool: Pool) -> list[BenchOut]:
    """The workspace's own people offered to clients, with their skills from their resumes."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        return [_bench_out(m) for m in bench.list_members(conn)]


@router.put("/bench/{candidate_id}", response_model=BenchOut,
            responses={**BODY_ERRORS, **RECRUITERS, **NOT_FOUND})  # fmt: skip
def put_bench(candidate_id: int, body: BenchIn, access: CurrentWorkspace, pool: Pool) -> BenchOut:
    """Put a candidate on the bench, or change what clients are told about them."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        member = bench.put_member(conn, workspace_id=access.workspace_id,
                                  candidate_id=candidate_id, added_by=access.principal.user_id,
                                  **body.model_dump())  # fmt: skip
    return _bench_out(member)


@router.delete("/bench/{candidate_id}", status_code=204, responses={**RECRUITERS, **NOT_FOUND})
def delete_bench(candidate_id: int, access: CurrentWorkspace, pool: Pool) -> Response:
    """Take a candidate off the bench (the candidate stays)."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        bench.remove_member(conn, candidate_id=candidate_id)
    return Response(status_code=204)


def _variant_out(variant: Any) -> VariantOut:
    return VariantOut(**{k: getattr(variant, k) for k in VariantOut.model_fields})


@router.get("/variants", response_model=list[VariantOut])
def list_variants(
    access: CurrentWorkspace,
    pool: Pool,
    include_retired: bool = Query(default=False),
) -> list[VariantOut]:
    """The response prompts (the two defaults are created on first look)."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        lead_variants.ensure_defaults(conn, workspace_id=access.workspace_id)
        rows = lead_variants.list_variants(conn, include_retired=include_retired)
    return [_variant_out(v) for v in rows]


@router.post("/variants", status_code=201, response_model=VariantOut,
             responses={**BODY_ERRORS, **RECRUITERS,
                        409: error_doc("a variant of that name exists (`conflict`)")})  # fmt: skip
def create_variant(body: VariantIn, access: CurrentWorkspace, pool: Pool) -> VariantOut:
    """A new response prompt, assigned to leads by the workspace's policy from now on."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        variant = lead_variants.create_variant(conn, workspace_id=access.workspace_id,
                                               name=body.name, instructions=body.instructions,
                                               share=body.share,
                                               created_by=access.principal.user_id)  # fmt: skip
    return _variant_out(variant)


@router.patch("/variants/{variant_id}", response_model=VariantOut,
              responses={**BODY_ERRORS, **RECRUITERS, **NOT_FOUND})  # fmt: skip
def update_variant(
    variant_id: int, body: VariantPatch, access: CurrentWorkspace, pool: Pool
) -> VariantOut:
    """New instructions make a new version (the old one retires); a share changes the A/B
    split; `retired: true` stops assigning the variant."""
    access.require("recruiter")
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        variant = lead_variants.get_variant(conn, variant_id=variant_id)
        if body.instructions is not None:
            variant = lead_variants.revise_variant(conn, variant_id=variant.id,
                                                   instructions=body.instructions,
                                                   created_by=access.principal.user_id)  # fmt: skip
        if body.share is not None:
            variant = lead_variants.set_share(conn, variant_id=variant.id, share=body.share)
        if body.retired:
            variant = lead_variants.retire_variant(conn, variant_id=variant.id)
    return _variant_out(variant)
