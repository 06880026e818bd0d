"""The fake Calendly against the product's Calendly client: Calendly's documented shapes, its
errors, single-use links, and webhooks signed the way the product verifies them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipelines.leads.calendly import (
    CalendlyClient,
    CalendlyError,
    CalendlyRateLimited,
    CalendlyUnauthorized,
    CalendlyUnavailable,
    connect_webhooks,
    lead_link,
)
from pipelines.leads.calendly_hooks import SignatureInvalid, verify_signature
from tests.fakes.calendly import SIGNATURE_HEADER, FakeCalendly


@pytest.fixture(scope="module")
def cal() -> Iterator[FakeCalendly]:
    with FakeCalendly() as fake:
        yield fake


@pytest.fixture()
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    got: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            got.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    server.shutdown()
    server.server_close()


def test_the_user_and_a_single_use_link_come_in_calendlys_shapes(cal: FakeCalendly) -> None:
    with CalendlyClient(cal.token, base_url=cal.api_url) as client:
        me = client.me()
        link = client.scheduling_link(cal.event_type)
    assert (me.uri, me.organization) == (cal.user, cal.organization)
    assert link.startswith(cal.api_url + "/d/")
    method, path, body = cal.requests[-1]
    assert (method, path) == ("POST", "/scheduling_links")
    assert body == {"max_event_count": 1, "owner": cal.event_type, "owner_type": "EventType"}
    tagged = lead_link(link + "?utm_source=x&utm_content=old", 42)
    assert tagged.endswith("utm_source=x&utm_content=lead-42")


def test_refusals_have_stable_codes(cal: FakeCalendly) -> None:
    with pytest.raises(CalendlyUnauthorized):
        with CalendlyClient("wrong-token", base_url=cal.api_url) as client:
            client.me()
    with CalendlyClient(cal.token, base_url=cal.api_url) as client:
        cal.fail_next(429)
        with pytest.raises(CalendlyRateLimited) as limited:
            client.scheduling_link(cal.event_type)
        cal.fail_next(503)
        with pytest.raises(CalendlyUnavailable):
            client.me()
        with pytest.raises(CalendlyError) as refused:
            client.scheduling_link("https://api.calendly.com/event_types/NOPE")
    assert limited.value.retry_after_s == 7 and limited.value.code == "calendly_rate_limited"
    assert refused.value.code == "calendly_refused" and "Invalid Argument" in refused.value.message
    with pytest.raises(CalendlyUnavailable):  # nobody listens there
        with CalendlyClient(cal.token, base_url="http://127.0.0.1:9") as client:
            client.me()


def test_bookings_are_posted_signed_and_a_link_books_once(
    cal: FakeCalendly, receiver: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, got = receiver
    uri = connect_webhooks(cal.token, "signing-key-1", url, base_url=cal.api_url)
    assert connect_webhooks(cal.token, "signing-key-1", url, base_url=cal.api_url) == url
    assert uri.startswith("https://api.calendly.com/webhook_subscriptions/")
    with CalendlyClient(cal.token, base_url=cal.api_url) as client:
        link = lead_link(client.scheduling_link(cal.event_type), 7)
    start = datetime(2030, 5, 6, 10, 0, tzinfo=UTC)
    invitee = cal.book(link, name="Ann Lee", email="ann@acme.test", start=start)
    with pytest.raises(ValueError, match="single-use"):
        cal.book(link, name="Bob", email="bob@acme.test", start=start)
    cal.cancel(invitee["uri"], reason="Found a vendor")

    (h1, b1), (h2, b2) = got
    created, canceled = json.loads(b1), json.loads(b2)
    assert created["event"] == "invitee.created" and canceled["event"] == "invitee.canceled"
    payload = created["payload"]
    assert payload["tracking"]["utm_content"] == "lead-7"
    assert payload["scheduled_event"]["start_time"] == "2030-05-06T10:00:00.000000Z"
    assert canceled["payload"]["cancellation"]["reason"] == "Found a vendor"
    for headers, body in got:
        verify_signature("signing-key-1", headers[SIGNATURE_HEADER.lower()], body)
    with pytest.raises(SignatureInvalid):
        verify_signature("another-key", h1[SIGNATURE_HEADER.lower()], b1)
