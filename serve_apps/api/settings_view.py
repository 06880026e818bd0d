"""What a workspace's members may know about the installation: the workspace, the engines in
use, which vendor credentials are configured (never their values) and the interview limits.

Read-only: settings come from the environment (`db.settings`), and the engines are those the
process chose from them at start (`pipelines.engine_set`, `pipelines.engines.speech`).
"""

from __future__ import annotations

import inspect
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from db import workspaces
from db.pool import transaction
from db.settings import Settings
from pipelines.engine_set import Engines
from pipelines.engines.speech import choose_speech_engine, speech_engine_ids
from serve_apps import interview_invites
from serve_apps.deps import ACCESS_ERRORS, Access, AppEngines, AppSettings, Pool

router = APIRouter(tags=["workspaces"])

# Which settings make each vendor credential configured (all of them must be set). HeadHunter
# has no credential setting yet (scraper/ is a later issue): it reads as not configured until
# one of these names exists.
KEY_SETTINGS: dict[str, tuple[str, ...]] = {
    "openai": ("openai_api_key",),
    "deepgram": ("deepgram_api_key",),
    "elevenlabs": ("elevenlabs_api_key",),
    "telegram": ("telegram_api_id", "telegram_api_hash"),
    "hh": ("hh_client_id", "hh_client_secret"),
}
_CLOUD_VENDORS = ("openai", "deepgram", "elevenlabs")  # engine ids "<vendor>:<model>"


class WorkspaceBrief(BaseModel):
    id: UUID
    name: str
    slug: str
    retention_days: int | None = Field(
        default=None, description="candidates' personal data is kept this long; null: for ever"
    )


class EngineInUse(BaseModel):
    id: str = Field(description="The engine id recorded with results, e.g. `espeak-ng`.")
    offline: bool = Field(description="Runs inside the installation, no network, no key.")


class KeysConfigured(BaseModel):
    """Whether each vendor credential is set; the values themselves are never sent."""

    openai: bool
    deepgram: bool
    elevenlabs: bool
    telegram: bool
    hh: bool


class InterviewLimits(BaseModel):
    max_duration_s: int
    max_concurrent_per_workspace: int
    reconnect_grace_s: float
    offer_limit: int = Field(description="SDP offers one interview link may make per window.")
    offer_window_s: float
    link_ttl_hours: float = Field(description="How long a new interview link works by default.")


class SettingsOut(BaseModel):
    workspace: WorkspaceBrief
    engines: dict[str, EngineInUse] = Field(
        description="stt, tts, llm, profiles, embeddings, screening, planning, analysis"
    )
    keys: KeysConfigured
    interview_limits: InterviewLimits


@router.get(
    "/workspaces/{workspace_id}/settings", response_model=SettingsOut, responses=ACCESS_ERRORS
)
def workspace_settings(
    access: Access, pool: Pool, settings: AppSettings, engines: AppEngines
) -> SettingsOut:
    """The workspace, the engines in use, which keys are configured and the interview limits,
    for any member."""
    with transaction(pool, workspace_id=access.workspace_id) as conn:
        workspace = workspaces.get_workspace(conn, workspace_id=access.workspace_id)
        retention = workspaces.get_retention_days(conn, workspace_id=access.workspace_id)
    return SettingsOut(
        workspace=WorkspaceBrief(
            id=workspace.id, name=workspace.name, slug=workspace.slug, retention_days=retention
        ),
        engines=engines_in_use(settings, engines),
        keys=KeysConfigured(**keys_configured(settings)),
        interview_limits=InterviewLimits(
            max_duration_s=settings.interview_max_duration_s,
            max_concurrent_per_workspace=settings.interview_max_concurrent_per_workspace,
            reconnect_grace_s=settings.interview_reconnect_grace_s,
            offer_limit=settings.interview_offer_limit,
            offer_window_s=settings.interview_offer_window_s,
            link_ttl_hours=_default_link_ttl_hours(),
        ),
    )


def engines_in_use(settings: Settings, engines: Engines) -> dict[str, EngineInUse]:
    """One row per job: the speech engines the settings choose and the engines this process
    built. `llm` is the chat model behind screening, planning and analysis."""
    speech = speech_engine_ids(settings)
    rows = {
        "stt": EngineInUse(id=speech["stt"], offline=choose_speech_engine(settings, "stt").offline),
        "tts": EngineInUse(id=speech["tts"], offline=choose_speech_engine(settings, "tts").offline),
    }
    ids = engines.ids
    llm = ids["screening"] if engines.screener is not None else "offline"
    for job, engine_id in {"llm": llm, **ids}.items():
        rows[job] = EngineInUse(id=engine_id, offline=not engine_id.startswith(_CLOUD_VENDORS))
    return rows


def keys_configured(settings: Settings) -> dict[str, bool]:
    """Each vendor's credential presence as a bool; no value leaves this function."""
    return {
        vendor: all(_is_set(getattr(settings, name, None)) for name in names)
        for vendor, names in KEY_SETTINGS.items()
    }


def _is_set(value: Any) -> bool:
    if value is not None and hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return value is not None and str(value).strip() != ""


def _default_link_ttl_hours() -> float:
    """The link lifetime an invitation gets unless the recruiter asks for another."""
    return float(inspect.signature(interview_invites.invite).parameters["ttl_hours"].default)
