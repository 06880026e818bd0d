"""The engines one process uses, chosen once from settings (offline unless keys say else).

A cloud engine that fails falls back to the offline one for that item; the engine actually
used is recorded with every result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from db.settings import Settings
from pipelines.analysis.llm import LLMAnalyzer
from pipelines.documents import DocumentLimits
from pipelines.engines.embeddings import Embedder, embedder_from_settings, offline_embedder
from pipelines.profiles import ProfileEngine, profile_engine_from_settings
from pipelines.profiles.offline import OfflineProfileEngine
from pipelines.screening import LLMScreener
from pipelines.screening.llm import OpenAIChat
from pipelines.screening.plan import LLMPlanner

log = logging.getLogger(__name__)


@dataclass
class Engines:
    """Profile extraction, embeddings, optional LLM screening and interview analysis, and
    document limits."""

    profiles: ProfileEngine
    embedder: Embedder
    screener: LLMScreener | None = None
    planner: LLMPlanner | None = None
    analyzer: LLMAnalyzer | None = None
    report_browser_path: str | None = None
    limits: DocumentLimits = field(default_factory=DocumentLimits)
    offline_profiles: ProfileEngine = field(default_factory=OfflineProfileEngine)

    @property
    def ids(self) -> dict[str, str]:
        """Which engine does what, for logs and for `selectio screen`'s summary."""
        return {
            "profiles": self.profiles.id,
            "embeddings": self.embedder.id,
            "screening": self.screener.id if self.screener else "offline",
            "planning": self.planner.id if self.planner else "offline",
            "analysis": self.analyzer.id if self.analyzer else "offline",
        }


def offline_engines(limits: DocumentLimits | None = None) -> Engines:
    """The embedded engines: no network, no keys, deterministic."""
    return Engines(
        profiles=OfflineProfileEngine(),
        embedder=offline_embedder(),
        limits=limits or DocumentLimits(),
    )


def engines_from_settings(settings: Settings) -> Engines:
    """Engines chosen by settings and by which vendor keys are present."""
    mib = 1024 * 1024
    limits = DocumentLimits(
        max_bytes=int(settings.max_upload_mb * mib),
        max_pages=settings.max_document_pages,
        max_docx_uncompressed=int(settings.max_docx_uncompressed_mb * mib),
        parse_timeout_s=settings.parse_timeout_s or None,
        parse_memory=settings.parse_memory_mb * mib or None,
    )
    screener = planner = analyzer = None
    if settings.openai_api_key is not None and settings.llm_engine != "offline":
        openai = {
            "api_key": settings.openai_api_key.get_secret_value(),
            "base_url": settings.openai_base_url,
            "model": settings.openai_model,
            "timeout_s": settings.openai_timeout_s,
        }
        screener = LLMScreener(**openai)
        planner = LLMPlanner(**openai)
        analyzer = LLMAnalyzer(OpenAIChat(**openai))
    engines = Engines(
        profiles=profile_engine_from_settings(settings),
        embedder=embedder_from_settings(settings),
        screener=screener,
        planner=planner,
        analyzer=analyzer,
        limits=limits,
        report_browser_path=str(settings.report_browser_path)
        if settings.report_browser_path
        else None,
    )
    log.info("engines: %s", engines.ids)
    return engines
