"""Secret files are created 0600 in one step, agree under a race, and are tightened."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from pathlib import Path

from db.private_files import read_or_create
from db.settings import Settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_created_with_owner_only_permissions(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "token"
    assert read_or_create(path, lambda: "s3cret\n") == "s3cret"
    assert _mode(path) == 0o600


def test_concurrent_creators_agree_on_one_value(tmp_path: Path) -> None:
    path = tmp_path / "token"
    numbers = count()
    with ThreadPoolExecutor(8) as pool:
        values = set(
            pool.map(lambda _: read_or_create(path, lambda: str(next(numbers))), range(32))
        )
    assert len(values) == 1


def test_a_world_readable_file_is_tightened_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("old")
    path.chmod(0o644)
    assert read_or_create(path, lambda: "new") == "old"
    assert _mode(path) == 0o600


def test_the_generated_secret_key_is_private(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", secret_key=None)
    key = settings.resolved_secret_key()
    assert len(key) >= 32
    assert _mode(settings.home / "secret.key") == 0o600
    assert settings.resolved_secret_key() == key
