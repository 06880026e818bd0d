"""The offline multilingual sentence encoder: real vectors, across Russian and English."""

from __future__ import annotations

import numpy as np

from db.settings import Settings
from pipelines.engines.embeddings import HashingEmbedder, embedder_from_settings
from pipelines.engines.embeddings_use import ENGINE_ID, UniversalSentenceEncoder


def test_vectors_are_unit_length_and_empty_text_is_zero() -> None:
    vectors = UniversalSentenceEncoder().embed_array(["Accountant with GAAP experience", "  "])
    assert vectors.shape == (2, 512)
    assert abs(float(np.linalg.norm(vectors[0])) - 1.0) < 1e-5
    assert not np.any(vectors[1])


def test_meaning_crosses_languages_and_wording() -> None:
    encoder = UniversalSentenceEncoder()
    accountant, buh, chef, teacher, classroom = encoder.embed_array([
        "Experienced accountant", "Опытный бухгалтер", "Experienced chef",
        "Primary school teacher", "Taught reading and maths to a class of 25 children",
    ])  # fmt: skip
    assert accountant @ buh > accountant @ chef
    assert teacher @ classroom > chef @ classroom


def test_settings_choose_the_engine(tmp_path) -> None:
    offline = embedder_from_settings(Settings(home=tmp_path, _env_file=None))
    assert offline.id == ENGINE_ID
    forced = Settings(home=tmp_path, _env_file=None, embedding_engine="hashing")
    assert isinstance(embedder_from_settings(forced), HashingEmbedder)
