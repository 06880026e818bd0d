"""Profile extraction and vacancy analysis: the offline engine, and OpenAI when configured."""

from __future__ import annotations

import logging
from typing import Any

from pipelines.profiles.base import ProfileEngine, ProfileEngineError
from pipelines.profiles.offline import OfflineProfileEngine

log = logging.getLogger(__name__)

__all__ = [
    "OfflineProfileEngine",
    "ProfileEngine",
    "ProfileEngineError",
    "profile_engine_from_settings",
]


def profile_engine_from_settings(settings: Any) -> ProfileEngine:
    """OpenAI when an API key is set and `llm_engine` is not "offline"; else offline.

    Reads `openai_api_key`, `openai_base_url` and, when the settings have them, `llm_engine`,
    `openai_model` and `openai_timeout_s`.
    """
    choice = getattr(settings, "llm_engine", "auto") or "auto"
    secret = getattr(settings, "openai_api_key", None)
    key = secret.get_secret_value() if hasattr(secret, "get_secret_value") else secret
    if choice == "offline" or not key:
        if choice not in ("offline", "auto"):
            log.warning("llm_engine=%s but OPENAI_API_KEY is not set; using offline", choice)
        return OfflineProfileEngine()
    from pipelines.profiles.openai_engine import DEFAULT_MODEL, OpenAIProfileEngine

    return OpenAIProfileEngine(
        api_key=key,
        base_url=getattr(settings, "openai_base_url", None),
        model=getattr(settings, "openai_model", None) or DEFAULT_MODEL,
        timeout=float(getattr(settings, "openai_timeout_s", None) or 60.0),
    )
