"""HH's refusals read as what the product does about them, the OAuth state binds a workspace
and a user and expires, and the client-side rate limit spaces requests across threads."""

from __future__ import annotations

import threading
import time
from uuid import uuid4

import pytest

from scraper.hh import errors, oauth
from scraper.hh.ratelimit import RateLimiter


def _body(*pairs: tuple[str, str | None], **extra: str) -> dict[str, object]:
    return {"errors": [{"type": t, "value": v, **extra} for t, v in pairs]}


@pytest.mark.parametrize(
    ("status", "body", "kind", "retryable"),
    [
        (403, _body(("oauth", "token_expired")), errors.HHTokenExpired, False),
        (403, _body(("oauth", "bad_authorization")), errors.HHAuthorizationLost, False),
        (403, _body(("oauth", "token_revoked")), errors.HHAuthorizationLost, False),
        (403, _body(("api_access_payment", "action_must_be_payed")),
         errors.HHPaidAccessRequired, False),
        (403, _body(("resumes", "quota_exceeded")), errors.HHQuotaExceeded, False),
        (429, _body(("resumes", "view_limit_exceeded")), errors.HHQuotaExceeded, False),
        (429, None, errors.HHRateLimited, True),
        (503, _body(("service_unavailable", None)), errors.HHUnavailable, True),
        (502, None, errors.HHUnavailable, True),
        (404, _body(("not_found", None)), errors.HHNotFound, False),
        (400, _body(("bad_user_agent", "unset")), errors.HHRefused, False),
        (403, _body(("negotiations", "wrong_state")), errors.HHRefused, False),
    ],
)  # fmt: skip
def test_each_refusal_is_its_own_kind(status, body, kind, retryable) -> None:  # type: ignore[no-untyped-def]
    error = errors.error_for(status, body, retry_after_s=7)
    assert type(error) is kind and error.retryable is retryable
    if isinstance(error, errors.HHRateLimited):
        assert error.retry_after_s == 7


def test_a_captcha_becomes_a_link_that_comes_back() -> None:
    body = _body(("captcha_required", "captcha_required"),
                 captcha_url="https://hh.ru/account/captcha?state=abc",
                 fallback_url="https://hh.ru/fallback")  # fmt: skip
    error = errors.error_for(403, body)
    assert isinstance(error, errors.HHCaptchaRequired)
    url = error.action_url("https://console.example/integrations")
    assert url == ("https://hh.ru/account/captcha?state=abc&backurl="
                   "https%3A%2F%2Fconsole.example%2Fintegrations")  # fmt: skip


def test_the_oauth_state_names_its_workspace_and_user_and_expires() -> None:
    secret, workspace = b"s" * 48, uuid4()
    state = oauth.make_state(secret, workspace, 42, ttl_s=60)
    assert oauth.read_state(secret, state) == (workspace, 42)
    with pytest.raises(oauth.InvalidState):
        oauth.read_state(b"t" * 48, state)  # another installation's
    with pytest.raises(oauth.InvalidState):
        oauth.read_state(secret, state[:-2] + ("A" if state[-2] != "A" else "B") + state[-1])
    with pytest.raises(oauth.InvalidState, match="too long"):
        oauth.read_state(secret, state, now=time.time() + 61)


def test_requests_from_many_threads_share_one_rate() -> None:
    limiter = RateLimiter(per_s=50)
    stamps: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(10):
            wait = limiter.reserve()
            time.sleep(wait)
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=take) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 40 requests at 50/s take at least 39 intervals of 20 ms, whatever the threads.
    assert max(stamps) - started >= 39 * 0.02 - 0.01
