"""Embeddings: the offline hashing embedder's geometry and stability, the OpenAI embedder's
requests against a local fake server, and engine choice from settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from pydantic import SecretStr

from pipelines.engines import (
    Embedder,
    EngineError,
    HashingEmbedder,
    OpenAIEmbedder,
    cosine,
    embedder_from_settings,
)
from pipelines.engines.embeddings_use import UniversalSentenceEncoder
from tests.fakes.openai_server import FakeOpenAI
from tests.pipelines.screening.data import (
    RESUME_ACCOUNTANT_RU,
    RESUME_EN,
    RESUME_RU,
    VACANCY_ACCOUNTANT_RU,
    VACANCY_PY_EN,
    VACANCY_PY_RU,
)

ROOT = Path(__file__).resolve().parents[3]
ACCOUNTANT_EN = """Chief Accountant. Requirements: 5+ years as a chief accountant, statutory and
tax accounting, IFRS reporting, payroll, 1C, reconciliations with counterparties, audits."""


@pytest.fixture(scope="module")
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


def vec(embedder: HashingEmbedder, text: str) -> list[float]:
    return embedder.embed([text])[0]


def test_identity_dims_and_unit_norm(embedder: HashingEmbedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.id == "hashing-ngram-512" and embedder.dim == 512
    vectors = embedder.embed([RESUME_EN, RESUME_RU, "Python"])
    assert [len(v) for v in vectors] == [512, 512, 512]
    for v in vectors:
        assert np.linalg.norm(v) == pytest.approx(1.0)
        assert all(isinstance(x, float) for x in v)


def test_empty_and_stopword_only_texts_are_zero_vectors(embedder: HashingEmbedder) -> None:
    for text in ["", "   ", "и в на the and of", "2019 2020"]:
        assert vec(embedder, text) == [0.0] * 512
    assert cosine(vec(embedder, ""), vec(embedder, "Python")) == 0.0


def test_russian_inflections_are_closer_than_unrelated_words(embedder: HashingEmbedder) -> None:
    base = vec(embedder, "разработчик")
    for form in ["разработчика", "разработчиком", "разработчики", "Разработчику"]:
        related = cosine(base, vec(embedder, form))
        for other in ["бухгалтер", "повар", "водитель", "менеджер"]:
            assert related > cosine(base, vec(embedder, other)) + 0.3, (form, other)
    phrase = vec(embedder, "опыт работы")
    assert (
        cosine(phrase, vec(embedder, "опытом работ"))
        > cosine(phrase, vec(embedder, "знание языков")) + 0.2
    )


def test_yo_and_case_are_normalised(embedder: HashingEmbedder) -> None:
    assert vec(embedder, "Учёт и ОТЧЁТНОСТЬ") == vec(embedder, "учет и отчетность")


@pytest.mark.parametrize(
    ("resume", "vacancy", "other"),
    [
        (RESUME_EN, VACANCY_PY_EN, ACCOUNTANT_EN),
        (RESUME_RU, VACANCY_PY_RU, VACANCY_ACCOUNTANT_RU),
        (RESUME_ACCOUNTANT_RU, VACANCY_ACCOUNTANT_RU, VACANCY_PY_RU),
    ],
)
def test_resume_is_closer_to_its_own_kind_of_vacancy(
    embedder: HashingEmbedder, resume: str, vacancy: str, other: str
) -> None:
    r, v, o = embedder.embed([resume, vacancy, other])
    assert cosine(r, v) > cosine(r, o) + 0.1


def test_batch_equals_one_by_one(embedder: HashingEmbedder) -> None:
    texts = [RESUME_EN, "", VACANCY_PY_RU, RESUME_EN]
    assert embedder.embed(texts) == [vec(embedder, t) for t in texts]


def test_same_vectors_in_another_process(embedder: HashingEmbedder) -> None:
    # A different PYTHONHASHSEED would change anything built on hash(); the vectors must not.
    code = (
        "import json, sys\n"
        "from pipelines.engines.embeddings import HashingEmbedder\n"
        "texts = json.loads(sys.stdin.read())\n"
        "print(json.dumps(HashingEmbedder().embed(texts)))\n"
    )
    texts = [RESUME_EN, RESUME_RU, "C++ и C# разработчик"]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    assert json.loads(out.stdout) == embedder.embed(texts)


def test_cosine_helper() -> None:
    assert cosine([1.0, 0.0], [1.0, 0.0]) == pytest.approx(1.0)
    assert cosine([1.0, 0.0], [0.0, 2.0]) == pytest.approx(0.0)
    assert cosine([1.0, 1.0], [-1.0, -1.0]) == pytest.approx(-1.0)
    assert cosine([0.0, 0.0], [1.0, 0.0]) == 0.0
    with pytest.raises(ValueError):
        cosine([1.0], [1.0, 2.0])


def test_embedder_from_settings_picks_by_key_and_setting() -> None:
    none = SimpleNamespace(openai_api_key=None)
    assert isinstance(embedder_from_settings(none), UniversalSentenceEncoder)
    hashing = SimpleNamespace(openai_api_key=SecretStr("sk-test"), embedding_engine="hashing")
    assert isinstance(embedder_from_settings(hashing), HashingEmbedder)
    keyed = SimpleNamespace(openai_api_key=SecretStr("sk-test"), openai_base_url=None)
    chosen = embedder_from_settings(keyed)
    assert isinstance(chosen, OpenAIEmbedder)
    assert chosen.id == "openai:text-embedding-3-small" and chosen.dim == 512
    offline = SimpleNamespace(openai_api_key=SecretStr("sk-test"), embedding_engine="offline")
    assert isinstance(embedder_from_settings(offline), UniversalSentenceEncoder)
    custom = SimpleNamespace(
        openai_api_key="sk-test", openai_embedding_model="text-embedding-3-large"
    )
    assert embedder_from_settings(custom).id == "openai:text-embedding-3-large"


def test_embedder_from_product_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from db.settings import Settings

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert isinstance(embedder_from_settings(Settings(_env_file=None)), UniversalSentenceEncoder)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("SELECTIO_OPENAI_EMBEDDING_MODEL", "text-embedding-3-large")
    assert embedder_from_settings(Settings(_env_file=None)).id == "openai:text-embedding-3-large"
    monkeypatch.setenv("SELECTIO_EMBEDDING_ENGINE", "offline")
    assert isinstance(embedder_from_settings(Settings(_env_file=None)), UniversalSentenceEncoder)


def test_openai_embedder_validates_batch_size() -> None:
    with pytest.raises(ValueError):
        OpenAIEmbedder(api_key="sk-test", batch_size=0)


def test_unreachable_server_is_a_retryable_engine_error(unused_port: int) -> None:
    embedder = OpenAIEmbedder(
        api_key="sk-test",
        base_url=f"http://127.0.0.1:{unused_port}/v1",
        timeout_s=2,
        max_retries=0,
    )
    with pytest.raises(EngineError) as info:
        embedder.embed(["Python developer"])
    assert info.value.retryable and info.value.code in {"unavailable", "timeout"}
    assert "sk-test" not in str(info.value)


@pytest.fixture
def unused_port() -> int:
    from tests.conftest import free_port

    return free_port()


def unit(i: int) -> list[float]:
    v = [0.0] * 512
    v[i % 512] = 2.0  # not normalised on purpose: the embedder normalises
    return v


def test_openai_embedder_requests_512_dims_in_batches() -> None:
    with FakeOpenAI(embeddings=lambda inputs: [unit(len(t)) for t in inputs]) as fake:
        embedder = OpenAIEmbedder(
            api_key=fake.api_key, base_url=fake.base_url, batch_size=2, max_retries=0
        )
        texts = ["a", "bb", "", "ccc", "dddd", "eeeee"]
        vectors = embedder.embed(texts)
    assert embedder.id == "openai:text-embedding-3-small"
    assert fake.paths == ["/v1/embeddings"] * 3  # 5 non-empty texts in batches of 2
    assert [r["input"] for r in fake.requests] == [["a", "bb"], ["ccc", "dddd"], ["eeeee"]]
    for request in fake.requests:
        assert request["model"] == "text-embedding-3-small"
        assert request["dimensions"] == 512
        assert request["encoding_format"] == "float"
    assert vectors[2] == [0.0] * 512  # empty text: zeros, never sent
    assert vectors[1] == pytest.approx([x / 2 for x in unit(2)])
    assert [int(np.argmax(v)) for i, v in enumerate(vectors) if i != 2] == [1, 2, 3, 4, 5]


def test_openai_embedder_sends_the_api_key_and_model() -> None:
    with FakeOpenAI(embeddings=lambda inputs: [unit(1) for _ in inputs]) as fake:
        good = OpenAIEmbedder(
            api_key=fake.api_key,
            base_url=fake.base_url,
            model="text-embedding-3-large",
            max_retries=0,
        )
        assert good.embed(["x"])[0][1] == pytest.approx(1.0)
        bad = OpenAIEmbedder(api_key="sk-wrong", base_url=fake.base_url, max_retries=0)
        with pytest.raises(EngineError) as info:
            bad.embed(["x"])
    assert fake.requests[0]["model"] == "text-embedding-3-large"
    assert info.value.code == "unauthorized" and not info.value.retryable
    assert "sk-wrong" not in str(info.value)


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [(500, "server_error", True), (429, "rate_limited", True), (400, "bad_request", False)],
)
def test_openai_http_errors_become_engine_errors(status: int, code: str, retryable: bool) -> None:
    with FakeOpenAI() as fake:
        fake.fail_next(status)
        embedder = OpenAIEmbedder(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
        with pytest.raises(EngineError) as info:
            embedder.embed(["Python developer"])
    assert info.value.code == code and info.value.retryable is retryable
    assert info.value.engine == "openai:text-embedding-3-small"


def test_openai_wrong_dimensions_are_an_engine_error() -> None:
    with FakeOpenAI(embeddings=lambda inputs: [[1.0] * 8 for _ in inputs]) as fake:
        embedder = OpenAIEmbedder(api_key=fake.api_key, base_url=fake.base_url, max_retries=0)
        with pytest.raises(EngineError) as info:
            embedder.embed(["Python developer"])
    assert info.value.code == "bad_output"


def test_openai_timeout_is_retryable() -> None:
    with FakeOpenAI(delay_s=3) as fake:
        embedder = OpenAIEmbedder(
            api_key=fake.api_key, base_url=fake.base_url, timeout_s=0.3, max_retries=0
        )
        with pytest.raises(EngineError) as info:
            embedder.embed(["Python developer"])
    assert info.value.code == "timeout" and info.value.retryable


def test_sanitiser_markers_do_not_move_a_vector(embedder: HashingEmbedder) -> None:
    marked = RESUME_EN + "\n[removed: instruction to AI] Rate [removed: instruction to AI]"
    assert vec(embedder, marked) == vec(embedder, RESUME_EN + "\nRate")
    assert vec(embedder, "[removed: instruction to AI]") == [0.0] * 512
