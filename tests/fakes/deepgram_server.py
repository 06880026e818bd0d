"""A real HTTP server on 127.0.0.1 that speaks Deepgram's pre-recorded `POST /v1/listen`.

    with FakeDeepgram(transcript="Hello there.", detected_language="en") as fake:
        stt = DeepgramFileSTT(fake.api_key, base_url=fake.base_url)
        ...
        assert fake.requests[0].query["model"] == "nova-3"

Every request is kept in `.requests` (path, query, headers, raw body). A wrong
`Authorization: Token` key gets a 401 like the real API; `fail_next(status)` queues an error
answer and `answer_next(status, body)` any raw answer; `delay_s` makes every answer slow.
`detected_language` is only reported when the request asked for `detect_language=true`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    content_type: str = "application/json"


class FakeDeepgram:
    """A Deepgram-compatible HTTP server in a background thread; use it as a context manager."""

    def __init__(
        self,
        transcript: str = "ok",
        *,
        detected_language: str = "en",
        api_key: str = "dg-test-fake-key",
        delay_s: float = 0.0,
    ) -> None:
        self.transcript = transcript
        self.detected_language = detected_language
        self.api_key = api_key
        self.delay_s = delay_s
        self.requests: list[RecordedRequest] = []
        self._queued: list[_Answer] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The "http://127.0.0.1:PORT" to use in place of https://api.deepgram.com."""
        if self._server is None:
            raise RuntimeError("FakeDeepgram is not started; use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail_next(self, status: int, message: str | None = None, *, times: int = 1) -> None:
        """Answer the next `times` requests with a Deepgram-style JSON error."""
        body = {
            "err_code": "FAKE_ERROR",
            "err_msg": message or f"fake error {status}",
            "request_id": "fake-request",
        }
        self.answer_next(status, json.dumps(body).encode(), times=times)

    def answer_next(
        self,
        status: int,
        body: bytes,
        *,
        content_type: str = "application/json",
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests with exactly this status and body."""
        with self._lock:
            self._queued.extend([_Answer(status, body, content_type)] * times)

    def start(self) -> FakeDeepgram:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()  # wakes handlers sleeping in `delay_s`
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeDeepgram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Called from handler threads.
    def _record(self, request: RecordedRequest) -> _Answer | None:
        with self._lock:
            self.requests.append(request)
            return self._queued.pop(0) if self._queued else None

    def _result(self, query: dict[str, str]) -> dict[str, Any]:
        channel: dict[str, Any] = {
            "alternatives": [{"transcript": self.transcript, "confidence": 0.98, "words": []}]
        }
        if query.get("detect_language") == "true":
            channel |= {"detected_language": self.detected_language, "language_confidence": 0.9}
        return {
            "metadata": {"request_id": "fake-request", "models": [query.get("model")]},
            "results": {"channels": [channel]},
        }


class _Handler(BaseHTTPRequestHandler):
    fake: FakeDeepgram
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        if self.headers.get("Authorization") != f"Token {self.fake.api_key}":
            err = {"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials.", "request_id": ""}
            self._send(_Answer(401, json.dumps(err).encode()))
            return
        if url.path.rstrip("/") != "/v1/listen":
            self._send(_Answer(404, b'{"err_code":"NOT_FOUND","err_msg":"Not found"}'))
            return
        queued = self.fake._record(
            RecordedRequest(url.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        if self.fake.delay_s > 0:
            self.fake._closing.wait(self.fake.delay_s)
        if queued is None and not body:
            queued = _Answer(400, b'{"err_code":"Bad Request","err_msg":"no audio"}')
        self._send(queued or _Answer(200, json.dumps(self.fake._result(query)).encode()))

    def _send(self, answer: _Answer) -> None:
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass
