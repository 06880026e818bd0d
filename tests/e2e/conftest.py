"""End-to-end fixtures: the real API on Ray Serve (pointed at the module's database) and a
candidate invited to a voice interview after the real screening pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from db import resumes
from db.pool import transaction
from pipelines import vacancy_flow
from pipelines.engine_set import offline_engines
from pipelines.resume_flow import process_resume
from serve_apps import accounts, interview_invites
from tests.conftest import free_port
from tests.pipelines import samples


@pytest.fixture(scope="module")
def api_env() -> dict[str, str]:
    """Extra settings for the API and the actors it starts (a module may override this)."""
    return {}


@pytest.fixture(scope="module")
def api_url(ray_local, settings, prepared, api_env) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Ray Serve's HTTP proxy on a free port, serving the ingress for this module's database."""
    from ray import serve

    from serve_apps.ingress import ApiIngress

    port = free_port()
    env_vars = {
        "SELECTIO_HOME": str(settings.home),
        "SELECTIO_DATABASE_URL": settings.database_url.get_secret_value(),
        "SELECTIO_SECRET_KEY": settings.secret_key.get_secret_value(),
        "SELECTIO_LLM_ENGINE": "offline",
        "SELECTIO_EMBEDDING_ENGINE": "offline",
        "SELECTIO_API_URL": f"http://127.0.0.1:{port}",
        **api_env,
    }
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    app = ApiIngress.options(
        ray_actor_options={"num_cpus": 0, "runtime_env": {"env_vars": env_vars}}
    ).bind()
    serve.run(app, name="selectio-e2e", route_prefix="/")
    yield f"http://127.0.0.1:{port}"
    serve.shutdown()
    kill_interview_actors()


def kill_interview_actors() -> None:
    """Interview actors are detached and named by interview id, which restarts at 1 in the
    next module's fresh database: remove them so no module meets another's actor."""
    import ray

    from actors.naming import NAMESPACE

    for entry in ray.util.list_named_actors(all_namespaces=True):
        if entry["namespace"] == NAMESPACE and entry["name"].startswith("interview:"):
            try:
                ray.kill(ray.get_actor(entry["name"], namespace=NAMESPACE), no_restart=True)
            except ValueError:
                pass


def invite_screened_candidate(pool: Any, settings: Any, name: str) -> dict[str, Any]:
    """A strong English candidate screened for the Python vacancy and invited."""
    engines = offline_engines()
    workspace = accounts.create_workspace(pool, name=name, owner_id=None)
    vacancy = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=workspace.id, title="", text=samples.VACANCY_EN
    )
    with transaction(pool, workspace_id=workspace.id) as conn:
        rid = resumes.create_resume(
            conn, workspace_id=workspace.id, file=samples.STRONG_EN.encode(), file_name="j.txt"
        ).id
    outcome = process_resume(
        pool, engines, workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
    )
    invited = interview_invites.invite(
        pool, settings, workspace_id=workspace.id, application_id=outcome.application_id
    )
    return {
        "workspace": workspace,
        "interview_id": invited.interview.id,
        "token": invited.link.rsplit("/interview/", 1)[1],
    }
