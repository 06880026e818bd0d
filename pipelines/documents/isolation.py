"""Parsing in a child process that caps memory and time, so a hostile upload cannot hold on
to a long-lived worker's memory.

The decode budgets (`pdf_streams`, `docx_archive`) bound the bytes a file may inflate to, not
what the parser builds from them: pdfminer keeps an object per glyph, about 200 bytes per byte
of page content, so a 32 KB PDF that draws 8 MiB of text takes 1.7 GB and 21 s in-process
(`benchmarks/document_bombs.py`), and glibc keeps much of a grown heap. With
`DocumentLimits.parse_timeout_s` or `parse_memory` set, `extract_document` sends the upload to
one persistent child per process: a plain subprocess (`python -m
pipelines.documents.isolation`), since Ray workers and Serve replicas have threads and fork
is unsafe there. The child parses under RLIMIT_AS; a parse past the deadline gets the child
killed; a child whose resident memory grew past `RECYCLE_RSS`, or that has served
`MAX_DOCUMENTS`, is replaced. Starting one costs ~0.3-0.5 s (imports), once per
`MAX_DOCUMENTS`; a parse pays 1-3 ms more for the pipes (measured).

Replies are JSON, never pickle: the child is the side that reads hostile bytes.
"""

from __future__ import annotations

import faulthandler
import gc
import json
import logging
import os
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import IO, Any

from pipelines.documents.errors import MIB, DocumentError, megabytes
from pipelines.documents.extract import ExtractedDocument, extract_document
from pipelines.documents.limits import DocumentLimits

log = logging.getLogger(__name__)

MAX_DOCUMENTS = 200  # a child is replaced after this many parses, grown or not
RECYCLE_RSS = 256 * MIB  # ...or as soon as its resident memory passes this (idle: ~65 MB)
_START_TIMEOUT_S = 60.0  # imports on a loaded 2-core machine
_REQUEST = struct.Struct(">II")  # header length, data length
_REPLY = struct.Struct(">I")
_ROOT = str(Path(__file__).resolve().parents[2])  # the directory that holds `pipelines`

_lock = threading.Lock()
_child: _Child | None = None


def extract_isolated(
    data: bytes, filename: str, content_type: str | None, limits: DocumentLimits
) -> ExtractedDocument:
    """`extract_document` in the child process; `too_complex` when it runs over its memory
    or time, every other outcome exactly as in-process. One parse at a time per process."""
    global _child
    inner = replace(limits, parse_timeout_s=None, parse_memory=None)
    header = {"filename": filename, "content_type": content_type, "limits": asdict(inner)}
    header["timeout_s"] = limits.parse_timeout_s
    with _lock:
        if _child is None or _child.memory != limits.parse_memory:
            _stop(_child)
            _child = None
            _child = _Child(limits.parse_memory)
        child = _child
        try:
            reply = child.ask(header, data, limits.parse_timeout_s)
        except _ChildFailed as failure:
            _child = None
            if failure.why == "timeout":
                child.dump_stack()
            child.kill()
            raise _too_complex(failure, limits) from None
        if reply.get("oom") or reply["rss"] > RECYCLE_RSS or child.served >= MAX_DOCUMENTS:
            rss = reply["rss"] // MIB
            log.info("document parser replaced after %d documents, RSS %d MB", child.served, rss)
            _stop(child)
            _child = None
    if reply.get("oom"):
        raise _too_complex(_ChildFailed("memory", "MemoryError"), limits)
    if "error" in reply:
        code, reason = reply["error"]
        raise DocumentError(code, reason)
    return ExtractedDocument(**reply["document"])


def shutdown() -> None:
    """Stop this process's parser child, if any (tests; a graceful exit does it anyway: the
    child ends when its stdin closes)."""
    global _child
    with _lock:
        _stop(_child)
        _child = None


class ParserUnavailable(RuntimeError):
    """The child process cannot be started: an installation problem, not the document's."""


class _ChildFailed(Exception):
    """The child did not answer: `why` is "timeout", "memory" or "crash"."""

    def __init__(self, why: str, detail: str = "") -> None:
        super().__init__(why, detail)
        self.why = why
        self.detail = detail


class _Child:
    """One parser process and its pipes; the caller holds `_lock`."""

    def __init__(self, memory: int | None) -> None:
        self.memory = memory
        self.served = 0
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH")) if p)
        command = [sys.executable, "-m", "pipelines.documents.isolation", str(memory or 0)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True
        )
        try:
            self._read(_REPLY.size, time.monotonic() + _START_TIMEOUT_S)  # "ready"
        except _ChildFailed as e:
            self.kill()
            raise ParserUnavailable(f"document parser did not start ({e.detail})") from None

    def ask(self, header: dict[str, Any], data: bytes, timeout_s: float | None) -> dict[str, Any]:
        head = json.dumps(header).encode()
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(_REQUEST.pack(len(head), len(data)) + head + data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise _ChildFailed("crash", self._death()) from e
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        (size,) = _REPLY.unpack(self._read(_REPLY.size, deadline))
        body = self._read(size, deadline)
        self.served += 1
        try:
            reply: dict[str, Any] = json.loads(body)
            reply["rss"] = int(reply["rss"])
        except (ValueError, KeyError, TypeError) as e:
            raise _ChildFailed("crash", "unreadable reply") from e
        return reply

    def _read(self, size: int, deadline: float | None) -> bytes:
        stdout: IO[bytes] | None = self.process.stdout
        assert stdout is not None
        fd = stdout.fileno()
        chunks: list[bytes] = []
        while size > 0:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select([fd], [], [], wait)
            if not readable:
                raise _ChildFailed("timeout")
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                raise _ChildFailed("crash", self._death())
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _death(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "no answer"
        return f"signal {-code}" if code < 0 else f"exit {code}"

    def dump_stack(self) -> None:
        """Have the child print where it is stuck to its stderr (the worker's log)."""
        try:
            os.kill(self.process.pid, signal.SIGUSR1)
            time.sleep(0.1)
        except OSError:
            log.debug("no stack from the parser child: it is gone")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def _stop(child: _Child | None) -> None:
    """End a child politely (EOF on its stdin), or kill it if it does not go in 2 s."""
    if child is None:
        return
    try:
        assert child.process.stdin is not None
        child.process.stdin.close()
        child.process.wait(timeout=2)
    except (OSError, subprocess.TimeoutExpired):
        child.kill()


def _too_complex(failure: _ChildFailed, limits: DocumentLimits) -> DocumentError:
    if failure.why == "timeout":
        log.warning("document parse killed after %s s", limits.parse_timeout_s)
        reason = f"document too complex: parsing took longer than {limits.parse_timeout_s:g} s"
    elif limits.parse_memory is not None:
        log.warning("document parse ran out of memory (%s)", failure.detail)
        reason = (
            "document too complex: parsing needed more than "
            f"{megabytes(limits.parse_memory)} MB of memory"
        )
    else:
        log.warning("document parser died (%s)", failure.detail)
        reason = "document too complex: the parser stopped unexpectedly"
    return DocumentError("too_complex", reason)


# ---- the child side: `python -m pipelines.documents.isolation MEMORY_BYTES` ----


def _serve(memory: int) -> None:
    """Answer requests on stdin until EOF; stdout carries only framed replies."""
    import pipelines.documents.docx  # noqa: F401 - imported before the limit and the clock
    import pipelines.documents.pdf  # noqa: F401

    faulthandler.enable()  # a crash prints a traceback (to the worker's log)
    faulthandler.register(signal.SIGUSR1)  # the parent asks for one before a timeout kill
    if memory:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must never corrupt the protocol
    _send(replies, b"")
    while True:
        head = requests.read(_REQUEST.size)
        if len(head) < _REQUEST.size:
            return  # the parent closed the pipe: it is done with us, or gone
        header_size, data_size = _REQUEST.unpack(head)
        header = json.loads(requests.read(header_size))
        data = requests.read(data_size)
        timeout = header.pop("timeout_s")
        if timeout:  # a backstop for a parent that died mid-parse: SIGALRM ends the child
            signal.alarm(int(timeout) + 5)
        reply = _answer(data, header)
        signal.alarm(0)
        _send(replies, json.dumps(reply).encode())


def _answer(data: bytes, header: dict[str, Any]) -> dict[str, Any]:
    limits = DocumentLimits(**header["limits"])
    oom, error, document = False, None, None
    try:
        document = extract_document(
            data, header["filename"], content_type=header["content_type"], limits=limits
        )
    except DocumentError as e:
        oom = _out_of_memory(e)
        error = [e.code, e.reason]
    except MemoryError:
        oom = True
    if oom:  # pdfminer's objects form cycles: only the collector gives their memory back
        gc.collect()
        return {"oom": True, "rss": 0}
    if document is None:
        return {"error": error, "rss": _rss()}
    return {"document": asdict(document), "rss": _rss()}


def _out_of_memory(error: BaseException) -> bool:
    """True when a MemoryError is behind the error (the parsers wrap everything they catch)."""
    seen: BaseException | None = error
    for _ in range(20):
        if seen is None:
            return False
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _send(stream: IO[bytes], body: bytes) -> None:
    stream.write(_REPLY.pack(len(body)) + body)
    stream.flush()


def _rss() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except OSError:  # not Linux: the peak is the best we have (KiB on Linux, bytes on macOS)
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
