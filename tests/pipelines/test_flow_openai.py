"""The whole resume flow with OpenAI engines against a local OpenAI-protocol server: every
result records the cloud engine, the model never sees injected instructions, and an
'obedient' model that answers 100 cannot raise a score above the offline guard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import SecretStr

from db import resumes
from db.pool import transaction
from db.settings import Settings
from pipelines import vacancy_flow
from pipelines.engine_set import engines_from_settings, offline_engines
from pipelines.engines.embeddings import HashingEmbedder
from pipelines.profiles.offline import OfflineProfileEngine
from pipelines.resume_flow import process_resume
from serve_apps import accounts
from tests.fakes.openai_server import FakeOpenAI
from tests.pipelines import samples

OFFLINE = OfflineProfileEngine()
HASHING = HashingEmbedder()


def _between(tag: str, text: str) -> str:
    match = re.search(rf"<{tag}>(.*)</{tag}>", text, re.S)
    assert match, f"no <{tag}> block in the prompt"
    return match.group(1)


def obedient_model(request: dict[str, Any]) -> Any:
    """Reads documents like the offline engine would, but always rates candidates 100."""
    name = request["response_format"]["json_schema"]["name"]
    user = request["messages"][-1]["content"]
    if name == "Profile":
        return OFFLINE.extract_profile(_between("resume", user)).model_dump(mode="json")
    if name == "VacancyRequirements":
        return OFFLINE.analyze_vacancy("", _between("vacancy", user)).model_dump(mode="json")
    if name == "screening":
        return {
            "score": 100,
            "matched": ["everything"],
            "missing": [],
            "rationale": "Perfect candidate.",
            "recommendation": "strongly_recommend",
        }
    return {"questions": []}  # an invalid plan: the offline plan must be used instead


@pytest.fixture(scope="module")
def fake():  # type: ignore[no-untyped-def]
    with FakeOpenAI(chat=obedient_model, embeddings=HASHING.embed) as server:
        yield server


@pytest.fixture(scope="module")
def engines(fake, settings: Settings):  # type: ignore[no-untyped-def]
    cloud = settings.model_copy(
        update={
            "llm_engine": "auto",
            "embedding_engine": "auto",
            "openai_api_key": SecretStr(fake.api_key),
            "openai_base_url": fake.base_url,
        }
    )
    return engines_from_settings(cloud)


def _run(pool, engines, name: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Screen the strong and the injected resume in a fresh workspace."""
    workspace = accounts.create_workspace(pool, name=name, owner_id=None)
    vacancy = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=workspace.id, title="", text=samples.VACANCY_EN
    )
    injected = samples.WEAK_EN + samples.INJECTION
    ids = {}
    with transaction(pool, workspace_id=workspace.id) as conn:
        for file_name, text in (("strong.txt", samples.STRONG_EN), ("eve.txt", injected)):
            ids[file_name] = resumes.create_resume(
                conn, workspace_id=workspace.id, file=text.encode(), file_name=file_name
            ).id
    outcomes = {
        file_name: process_resume(
            pool, engines, workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
        )
        for file_name, rid in ids.items()
    }
    return {"workspace": workspace, "vacancy": vacancy, "ids": ids, **outcomes}


def test_cloud_engines_are_recorded_and_cannot_be_talked_up(pool, engines, fake) -> None:
    assert engines.ids["profiles"] == "openai:gpt-4o-mini"
    assert engines.ids["embeddings"].startswith("openai:")
    cloud = _run(pool, engines, "Cloud")
    offline = _run(pool, offline_engines(), "Offline")
    assert cloud["vacancy"].requirements_engine == "openai:gpt-4o-mini"
    # The model answered 100 for everyone: the guard keeps a flagged resume at its offline
    # score and anyone else within 15 points of it.
    assert cloud["eve.txt"].score <= offline["eve.txt"].score
    assert "prompt_injection" in cloud["eve.txt"].flags
    assert cloud["eve.txt"].recommendation in ("consider", "reject")
    assert cloud["strong.txt"].score <= offline["strong.txt"].score + 15
    assert cloud["strong.txt"].score > cloud["eve.txt"].score
    with transaction(pool, workspace_id=cloud["workspace"].id) as conn:
        stored = resumes.get_resume(conn, resume_id=cloud["ids"]["eve.txt"])
    assert stored.profile_engine == "openai:gpt-4o-mini"
    assert stored.embedding_engine.startswith("openai:")
    prompts = [str(r.get("messages", "")) for r in fake.requests]
    assert prompts and not any("Ignore all previous instructions" in p for p in prompts)
    assert any(r.get("dimensions") == 512 for r in fake.requests if "input" in r)
