"""Real local receivers for the outbox tests and benchmark: an HTTP server and an SMTP server."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """What the HTTP receiver got: (path, headers, body) per request, in arrival order."""

    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    status_for: Callable[[int], int] = lambda n: 200  # request number (from 1) → status

    def header_values(self, name: str) -> list[str]:
        """One header of every request, in arrival order."""
        with self.lock:
            return [h.get(name.lower(), "") for _, h, _ in self.requests]


@contextmanager
def http_receiver() -> Iterator[tuple[str, Received]]:
    """A threaded HTTP/1.1 server on 127.0.0.1 that records POSTs; yields (base URL, record)."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stall

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            with received.lock:
                received.requests.append((self.path, headers, body))
                status = received.status_for(len(received.requests))
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
            # A sender killed mid-request (the benchmark's kill loop) is not the receiver's
            # problem; anything else is still printed.
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


class SmtpRecorder:
    """An aiosmtpd handler that keeps every message, or refuses recipients with `refuse`."""

    def __init__(self, refuse: str | None = None) -> None:
        self.refuse = refuse
        self.messages: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted"


@contextmanager
def smtp_server(handler: SmtpRecorder, **kwargs: object) -> Iterator[int]:
    """A real aiosmtpd server on 127.0.0.1 for the block; yields its port."""
    from aiosmtpd.controller import Controller

    from tests.conftest import free_port

    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()
