"""Errors of the screening package: engine failures (the caller falls back to offline)."""

from pipelines.engines.errors import EngineError

__all__ = ["EngineError"]
