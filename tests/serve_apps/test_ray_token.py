"""`selectio up` starts Ray with token auth and a token file only the owner can read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from db.settings import Settings
from serve_apps.launcher import use_private_ray_token


def test_the_token_is_private_and_ray_is_pointed_at_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)
    monkeypatch.delenv("RAY_AUTH_TOKEN_PATH", raising=False)
    settings = Settings(home=tmp_path / "home", secret_key=None)

    path = use_private_ray_token(settings)

    assert path == settings.home / "ray_auth_token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text()) == 64
    assert os.environ["RAY_AUTH_TOKEN_PATH"] == str(path)
    assert use_private_ray_token(settings).read_text() == path.read_text()  # kept across runs


def test_a_token_left_world_readable_by_ray_is_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "user"
    legacy = home / ".ray" / "auth_token"
    legacy.parent.mkdir(parents=True)
    legacy.write_text("from-an-earlier-ray")
    legacy.chmod(0o644)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)
    monkeypatch.delenv("RAY_AUTH_TOKEN_PATH", raising=False)

    use_private_ray_token(Settings(home=tmp_path / "home", secret_key=None))

    assert stat.S_IMODE(legacy.stat().st_mode) == 0o600
