"""A real HTTP server on 127.0.0.1 that speaks the OpenAI REST API, for engine tests.

`POST /v1/chat/completions` (plain, `response_format` json_schema/json_object, and `stream`),
`POST /v1/embeddings` (float or base64) and `POST /v1/audio/transcriptions` (multipart). The
test decides the answers:

    with FakeOpenAI(chat=lambda req: {"full_name": "Ann"}) as fake:
        client = openai.OpenAI(api_key=fake.api_key, base_url=fake.base_url)
        ...
        assert fake.requests[0]["model"] == "gpt-4o-mini"

`chat(request_json)` returns the assistant's content: a str as is, a dict or list as JSON, or a
`ChatReply` for refusals and other finish reasons. `embeddings(inputs)` returns one vector per
input string. `transcribe(fields)` returns the text of an uploaded audio file; `fields` holds
the form fields (`model`, `language`, ...) and the upload as `file` (bytes), `filename` and
`content_type`. Any may raise `FakeError` to answer with an HTTP error; `fail_next()` queues
errors and `delay_s` makes every answer slow. Every request body is kept in `.requests`
(with `.paths` alongside; for uploads, the form fields without the file) and every upload in
`.transcriptions`; a wrong `Authorization: Bearer` key gets a 401 like the real API.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ChatResponder = Callable[[dict[str, Any]], Any]
EmbeddingsResponder = Callable[[list[str]], list[list[float]]]
TranscribeResponder = Callable[[dict[str, Any]], str]


@dataclass
class ChatReply:
    """A full assistant answer: content and/or a refusal, with its finish reason."""

    content: str | None = None
    refusal: str | None = None
    finish_reason: str = "stop"


class FakeError(Exception):
    """Raise from a responder (or queue with `fail_next`) to answer with an HTTP error."""

    def __init__(
        self,
        status: int = 500,
        message: str = "The server had an error while processing your request.",
        *,
        type: str = "server_error",
        code: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = body or {
            "error": {"message": message, "type": type, "param": None, "code": code}
        }


def _default_embedding(text: str, dim: int = 8) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [(b - 127.5) / 127.5 for b in digest[:dim]]


class FakeOpenAI:
    """An OpenAI-compatible HTTP server in a background thread; use it as a context manager."""

    def __init__(
        self,
        chat: ChatResponder | None = None,
        embeddings: EmbeddingsResponder | None = None,
        *,
        transcribe: TranscribeResponder | None = None,
        api_key: str = "sk-test-fake",
        delay_s: float = 0.0,
    ) -> None:
        self.chat = chat or (lambda request: "ok")
        self.embeddings = embeddings or (lambda inputs: [_default_embedding(t) for t in inputs])
        self.transcribe = transcribe or (lambda fields: "ok")
        self.api_key = api_key
        self.delay_s = delay_s
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.transcriptions: list[dict[str, Any]] = []
        self._failures: list[FakeError] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The "http://127.0.0.1:PORT/v1" to give `openai.OpenAI(base_url=...)`."""
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not started; use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def fail_next(
        self, status: int = 500, message: str | None = None, *, times: int = 1, **kwargs: Any
    ) -> None:
        """Answer the next `times` requests with this HTTP error instead of the responder."""
        error = FakeError(status, message or f"fake error {status}", **kwargs)
        with self._lock:
            self._failures.extend([error] * times)

    def start(self) -> FakeOpenAI:
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

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Called from handler threads.
    def _record(self, path: str, body: dict[str, Any]) -> FakeError | None:
        with self._lock:
            self.requests.append(body)
            self.paths.append(path)
            return self._failures.pop(0) if self._failures else None

    def _wait(self) -> None:
        if self.delay_s > 0:
            self._closing.wait(self.delay_s)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            if self._authorised():
                self._json(200, {"object": "list", "data": []})
            return
        self._json(
            404, FakeError(404, f"Unknown path {self.path}", type="invalid_request_error").body
        )

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not self._authorised():
            return
        if self.path.split("?", 1)[0].rstrip("/") == "/v1/audio/transcriptions":
            self._transcription(raw)
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._json(400, FakeError(400, "Invalid JSON body", type="invalid_request_error").body)
            return
        path = self.path.split("?", 1)[0].rstrip("/")
        routes = {"/v1/chat/completions": self._chat, "/v1/embeddings": self._embeddings}
        route = routes.get(path)
        if route is None:
            self._json(
                404, FakeError(404, f"Unknown path {path}", type="invalid_request_error").body
            )
            return
        failure = self.fake._record(path, body)
        self.fake._wait()
        try:
            if failure is not None:
                raise failure
            route(body)
        except FakeError as e:
            self._json(e.status, e.body)
        except Exception as e:  # a broken responder is a test bug: say so loudly
            self._json(500, FakeError(500, f"responder raised {type(e).__name__}: {e}").body)

    def _transcription(self, raw: bytes) -> None:
        fields = _multipart_fields(self.headers.get("Content-Type", ""), raw)
        if fields is None or not isinstance(fields.get("file"), bytes):
            message = "Could not parse multipart form (a 'file' part is required)"
            self._json(400, FakeError(400, message, type="invalid_request_error").body)
            return
        with self.fake._lock:
            self.fake.transcriptions.append(fields)
        metadata = {k: v for k, v in fields.items() if k != "file"}
        failure = self.fake._record("/v1/audio/transcriptions", metadata)
        self.fake._wait()
        try:
            if failure is not None:
                raise failure
            text = self.fake.transcribe(fields)
        except FakeError as e:
            self._json(e.status, e.body)
            return
        except Exception as e:  # a broken responder is a test bug: say so loudly
            self._json(500, FakeError(500, f"responder raised {type(e).__name__}: {e}").body)
            return
        if fields.get("response_format") == "text":
            data = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self._json(200, {"text": text, "usage": {"type": "duration", "seconds": 1}})

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") == f"Bearer {self.fake.api_key}":
            return True
        self._json(
            401,
            FakeError(
                401,
                "Incorrect API key provided.",
                type="invalid_request_error",
                code="invalid_api_key",
            ).body,
        )
        return False

    def _chat(self, body: dict[str, Any]) -> None:
        answer = self.fake.chat(body)
        if not isinstance(answer, ChatReply):
            text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
            answer = ChatReply(content=text)
        model = body.get("model", "gpt-4o-mini")
        created = int(time.time())
        if body.get("stream"):
            self._stream(model, created, answer)
            return
        message: dict[str, Any] = {
            "role": "assistant",
            "content": answer.content,
            "refusal": answer.refusal,
        }
        prompt = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
        completion = len(answer.content or "") // 4
        self._json(
            200,
            {
                "id": f"chatcmpl-fake{len(self.fake.requests)}",
                "object": "chat.completion",
                "created": created,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "logprobs": None,
                        "finish_reason": answer.finish_reason,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            },
        )

    def _stream(self, model: str, created: int, answer: ChatReply) -> None:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            data = {
                "id": "chatcmpl-fake-stream",
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
            }
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()

        text = answer.content or ""
        parts = [chunk({"role": "assistant", "content": ""})]
        parts += [chunk({"content": text[i : i + 16]}) for i in range(0, len(text), 16)]
        if answer.refusal:
            parts.append(chunk({"refusal": answer.refusal}))
        parts += [chunk({}, answer.finish_reason), b"data: [DONE]\n\n"]
        payload = b"".join(parts)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _embeddings(self, body: dict[str, Any]) -> None:
        raw = body.get("input", [])
        inputs = [raw] if isinstance(raw, str) else [str(x) for x in raw]
        vectors = self.fake.embeddings(inputs)
        if len(vectors) != len(inputs):
            raise FakeError(
                500, f"embeddings responder gave {len(vectors)} vectors for {len(inputs)} inputs"
            )
        as_base64 = body.get("encoding_format") == "base64"
        data = []
        for i, vector in enumerate(vectors):
            if as_base64:
                packed = struct.pack(f"<{len(vector)}f", *vector)
                embedding: Any = base64.b64encode(packed).decode()
            else:
                embedding = [float(x) for x in vector]
            data.append({"object": "embedding", "index": i, "embedding": embedding})
        tokens = sum(len(t.split()) for t in inputs)
        self._json(
            200,
            {
                "object": "list",
                "data": data,
                "model": body.get("model", "text-embedding-3-small"),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status >= 400:
                self.send_header("x-request-id", "req_fake")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass


def _multipart_fields(content_type: str, raw: bytes) -> dict[str, Any] | None:
    """Form fields of a multipart/form-data body: text fields as str; the `file` part as
    bytes, with `filename` and `content_type`. None when the body is not multipart."""
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    header = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(header + raw)
    if not message.is_multipart():
        return None
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            fields |= {
                name: payload,
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
            }
        else:
            fields[name] = payload.decode("utf-8")
    return fields
