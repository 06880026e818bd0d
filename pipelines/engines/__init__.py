"""AI engines behind one small interface each; offline engines work with no network or keys."""

from pipelines.engines.embeddings import (
    Embedder,
    HashingEmbedder,
    OpenAIEmbedder,
    cosine,
    embedder_from_settings,
)
from pipelines.engines.errors import EngineError

__all__ = [
    "Embedder",
    "EngineError",
    "HashingEmbedder",
    "OpenAIEmbedder",
    "cosine",
    "embedder_from_settings",
]
