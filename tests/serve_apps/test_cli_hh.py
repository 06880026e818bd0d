"""`selectio hh connect` and `selectio sync hh` against the fake HeadHunter (tests/fakes/hh/),
in-process on the module's database: the authorize URL the fake accepts (an owner only), a
sync that imports and screens with counts printed, and one error line with exit code 1 for
what a user must fix (HH not set up, not connected, a sync running, an unknown kind)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from typer.testing import CliRunner

import serve_apps.cli_hh  # noqa: F401  (registers the commands on `app`)
from db import import_runs, integrations
from db.pool import transaction
from db.settings import Settings
from pipelines.hh_import import connection
from serve_apps import accounts
from serve_apps.cli import app
from tests.fakes.hh.data import World
from tests.fakes.hh.fixtures import configured_for_hh
from tests.fakes.hh.server import FakeHH

API_URL = "http://selectio.test:8000"  # the API's public URL, as registered at HH
runner = CliRunner()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeHH]:
    """A fake HH whose app is registered with the API's callback; 1 active vacancy (+1 archived)
    with 5 responses. No rate limit here, for speed (tests/pipelines/hh_import has the 429s)."""
    world = World.sample(rng_seed=3, vacancies=1, responses_per_vacancy=5)
    callback = API_URL + connection.CALLBACK_PATH
    with FakeHH(world, rate_limit_per_s=None, redirect_uri=callback) as hh:
        yield hh


@pytest.fixture(scope="module")
def hh_settings(settings: Settings, fake: FakeHH) -> Settings:
    return configured_for_hh(settings, fake).model_copy(update={"api_url": API_URL})


@pytest.fixture(scope="module")
def env(settings: Settings, prepared, fake: FakeHH) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    """Environment pointing the CLI at the module's database and the fake HH."""
    return {
        "SELECTIO_HOME": str(settings.home),
        "SELECTIO_DATABASE_URL": settings.database_url.get_secret_value(),
        "SELECTIO_SECRET_KEY": settings.secret_key.get_secret_value(),
        "SELECTIO_LLM_ENGINE": "offline",
        "SELECTIO_EMBEDDING_ENGINE": "offline",
        "SELECTIO_API_URL": API_URL,
        "HH_CLIENT_ID": fake.client_id,
        "HH_CLIENT_SECRET": fake.client_secret,
        "SELECTIO_HH_API_URL": fake.api_url,
        "SELECTIO_HH_OAUTH_URL": fake.oauth_url,
        "SELECTIO_HH_REQUESTS_PER_S": "100",
    }


def run(env: dict[str, str | None], *args: str):  # type: ignore[no-untyped-def]
    """The command in-process; the root logger's handlers are put back after it (the CLI logs
    to the runner's stream, closed once the command ends)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _owned(pool, name: str):  # type: ignore[no-untyped-def]
    slug = name.lower().replace(" ", "-")
    owner = accounts.create_user_account(pool, email=f"owner@{slug}.test", password="pw-12345678")
    return owner, accounts.create_workspace(pool, name=name, owner_id=owner.id)


def _follow(url: str) -> dict[str, list[str]]:
    """HH's authorize page, the person allowing it: the query HH sends back to the callback."""
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code in (302, 303), answer.text
    location = answer.headers["location"]
    assert location.startswith(API_URL + connection.CALLBACK_PATH)
    return parse_qs(urlsplit(location).query)


def test_hh_connect_prints_an_authorize_url_the_fake_accepts(pool, env, fake, hh_settings) -> None:  # type: ignore[no-untyped-def]
    owner, space = _owned(pool, "Connect Co")
    accounts.create_user_account(pool, email="rec@connect-co.test", password="pw-12345678")
    accounts.add_member(pool, workspace_id=space.id, email="rec@connect-co.test", role="recruiter")

    result = run(env, "hh", "connect", "--workspace", space.slug, "--user", owner.email)
    assert result.exit_code == 0, result.output
    url = next(line for line in result.stdout.splitlines() if line.startswith(fake.oauth_url))
    assert API_URL + connection.CALLBACK_PATH in result.stdout  # where the browser comes back
    back = _follow(url)
    connection.finish(pool, hh_settings, code=back["code"][0], state=back["state"][0])
    with transaction(pool, workspace_id=space.id) as conn:
        row = integrations.require(conn, kind="hh")
    assert row.status == "connected" and row.settings["connected_by"] == owner.id

    recruiter = run(env, "hh", "connect", "--workspace", str(space.id), "--user",
                    "rec@connect-co.test")  # fmt: skip
    assert recruiter.exit_code == 1
    assert "a recruiter of workspace connect-co: connecting HeadHunter needs" in recruiter.output
    ghost = run(env, "hh", "connect", "--workspace", space.slug, "--user", "ghost@nowhere.test")
    assert ghost.exit_code == 1 and "no user with email ghost@nowhere.test" in ghost.output
    unset = run({**env, "HH_CLIENT_ID": None}, "hh", "connect", "--workspace", space.slug,
                "--user", owner.email)  # fmt: skip
    assert unset.exit_code == 1 and "HeadHunter is not set up" in unset.output


def test_sync_hh_imports_and_screens_and_says_what_stops_it(pool, env, fake, hh_settings) -> None:  # type: ignore[no-untyped-def]
    owner, space = _owned(pool, "Sync Co")
    stranger = run(env, "sync", "hh", "--workspace", space.slug)  # nothing connected yet
    assert stranger.exit_code == 1
    assert "HeadHunter is not connected in workspace sync-co" in stranger.output
    assert "selectio hh connect --workspace sync-co" in stranger.output
    back = _follow(connection.begin(hh_settings, workspace_id=space.id, user_id=owner.id))
    connection.finish(pool, hh_settings, code=back["code"][0], state=back["state"][0])

    result = run(env, "sync", "hh", "--workspace", space.slug)
    assert result.exit_code == 0, result.output
    world = fake.world
    active = {v.id for v in world.vacancies if not v.archived}
    seen = [n for n in world.negotiations if n.vacancy_id in active]
    expected = [n for n in seen if not n.employer_state.startswith("discard")]
    assert f"vacancies: {len(world.vacancies)} new, 0 updated, 0 unchanged" in result.output
    assert (f"responses: {len(expected)} new, 0 updated, 0 unchanged, "
            f"{len(seen) - len(expected)} skipped (refused at HH), 0 failed; "
            f"{len(expected)} screened") in result.output  # fmt: skip
    assert f"responses  {len(seen)} handled" in result.output  # the progress line, at the end
    with transaction(pool, workspace_id=space.id) as conn:
        rows = conn.execute(
            "select a.external_id from applications a join screenings s on s.application_id "
            "= a.id where a.source = 'hh'"
        ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(n.id for n in expected)

    with transaction(pool, workspace_id=space.id) as conn:
        run_id = import_runs.start(conn, workspace_id=space.id, source="hh", kind="vacancies")
    busy = run(env, "sync", "hh", "--workspace", space.slug, "--kinds", "vacancies")
    assert busy.exit_code == 1 and "import is running already" in busy.output
    with transaction(pool, workspace_id=space.id) as conn:
        import_runs.finish(conn, run_id=run_id, counts={})
    again = run(env, "sync", "hh", "--workspace", space.slug, "--kinds", "responses")
    assert again.exit_code == 0, again.output
    assert f"responses: 0 new, 0 updated, {len(expected)} unchanged" in again.output
    assert "vacancies:" not in again.output

    bad = run(env, "sync", "hh", "--workspace", space.slug, "--kinds", "vacancies,resumes")
    assert bad.exit_code == 1 and "unknown kind 'resumes'" in bad.output
    unset = run({**env, "HH_CLIENT_SECRET": None}, "sync", "hh", "--workspace", space.slug)
    assert unset.exit_code == 1 and "HeadHunter is not set up" in unset.output
    fake.captcha_next()  # HH stops the run until a person passes the captcha
    captcha = run(env, "sync", "hh", "--workspace", space.slug)
    assert captcha.exit_code == 1
    assert f"open {fake.api_url}/account/captcha?" in captcha.output
