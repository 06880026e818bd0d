"""One lazily created OpenAI client per engine object.

The SDK is imported and the client built on first use, so constructing engines (at process
start, in every Ray worker) costs nothing when the cloud engine is never called.
"""

from __future__ import annotations

from typing import Any


class LazyOpenAI:
    """Holds the client settings; `get()` builds the client once."""

    def __init__(
        self, *, api_key: str, base_url: str | None, timeout_s: float, max_retries: int
    ) -> None:
        self._args: dict[str, Any] = {
            "api_key": api_key,
            "timeout": timeout_s,
            "max_retries": max_retries,
        }
        if base_url:
            self._args["base_url"] = base_url
        self._client: Any = None

    def get(self) -> Any:
        """The `openai.OpenAI` client (any OpenAI-compatible server via `base_url`)."""
        if self._client is None:
            import openai

            self._client = openai.OpenAI(**self._args)
        return self._client
