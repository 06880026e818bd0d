"""The fake HH itself, through real HTTP: what it enforces and the shapes it answers with, so
the product's HH client tests can trust it. Each rule is checked against HH's documentation
in /work/shared/reference/hh (errors.md, authorization_for_user, employer_negotiations)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fakes.hh.data import World
from tests.fakes.hh.fixtures import hh  # noqa: F401  (the module's shared fake)
from tests.fakes.hh.server import FakeHH

UA = "SelectioTests/1.0 (qa@selectio.example)"
REDIRECT = "http://localhost:8501/hh/callback"


def client(fake: FakeHH, token: str | None = None) -> httpx.Client:
    headers = {"HH-User-Agent": UA}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(base_url=fake.api_url, headers=headers, timeout=5)


def error(response: httpx.Response) -> tuple[str, str | None]:
    body = response.json()
    assert body["request_id"]
    first = body["errors"][0]
    return first["type"], first.get("value")


def authorize(fake: FakeHH, c: httpx.Client, **params: str) -> dict[str, list[str]]:
    query = {"response_type": "code", "client_id": fake.client_id, "state": "s-42", **params}
    response = c.get(f"{fake.oauth_url}/oauth/authorize", params=query)
    assert response.status_code == 302
    return parse_qs(urlsplit(response.headers["location"]).query)


def exchange(fake: FakeHH, c: httpx.Client, code: str, **extra: str) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "code": code,
        **extra,
    }
    return c.post(f"{fake.oauth_url}/oauth/token", data=form)


def refresh(fake: FakeHH, c: httpx.Client, token: str) -> httpx.Response:
    return c.post(
        f"{fake.oauth_url}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": token},
    )


@pytest.fixture
def api(hh: FakeHH) -> Iterator[httpx.Client]:  # noqa: F811
    """An authorized client of the shared fake, with the rate limit off for speed."""
    hh.rate_limit_per_s = None
    with client(hh, str(hh.issue_tokens()["access_token"])) as c:
        yield c


@pytest.fixture
def fresh() -> Iterator[FakeHH]:
    """A fake of its own, for tests about tokens and limits."""
    with FakeHH(
        World.sample(5, vacancies=1, responses_per_vacancy=3),
        redirect_uri=REDIRECT,
        rate_limit_per_s=None,
    ) as fake:
        yield fake


def test_the_oauth_dance_gives_a_token_that_opens_me(fresh: FakeHH) -> None:
    with client(fresh) as c:
        answer = authorize(fresh, c, redirect_uri=REDIRECT + "/sub?lang=RU")
        assert answer["state"] == ["s-42"] and answer["lang"] == ["RU"]
        code = answer["code"][0]
        tokens = exchange(fresh, c, code, redirect_uri=REDIRECT + "/sub?lang=RU").json()
        assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 1209600
        assert tokens["refresh_token"]
        again = exchange(fresh, c, code, redirect_uri=REDIRECT + "/sub?lang=RU")
        assert again.status_code == 400
        assert again.json() == {
            "error": "invalid_grant",
            "error_description": "code has already been used",
        }
    with client(fresh, tokens["access_token"]) as c:
        me = c.get("/me").json()
    assert me["is_employer"] is True
    assert me["employer"] == {
        "id": fresh.world.employer.id,
        "name": fresh.world.employer.name,
        "manager_id": fresh.world.manager.id,
    }


def test_oauth_refuses_wrong_client_redirect_and_grant(fresh: FakeHH) -> None:
    with client(fresh) as c:
        code = authorize(fresh, c)["code"][0]
        wrong = exchange(fresh, c, code, client_secret="nope")
        assert wrong.json() == {
            "error": "invalid_client",
            "error_description": "client_id or client_secret not found",
        }
        bad = c.get(
            f"{fresh.oauth_url}/oauth/authorize",
            params={
                "response_type": "code",
                "client_id": fresh.client_id,
                "redirect_uri": "https://localhost:8501/hh/callback",
            },
        )
        assert bad.status_code == 400 and error(bad) == ("bad_argument", "redirect_uri")
        code = authorize(fresh, c, redirect_uri=REDIRECT)["code"][0]
        assert exchange(fresh, c, code).json()["error_description"] == "bad redirect url"
        unknown = exchange(fresh, c, "no-such-code")
        assert unknown.json() == {"error": "invalid_request", "error_description": "code not found"}
        odd = c.post(f"{fresh.oauth_url}/oauth/token", data={"grant_type": "password"})
        assert odd.json()["error"] == "unsupported_grant_type"
        fresh.deny_authorization = True
        assert authorize(fresh, c)["error"] == ["access_denied"]


def test_a_refresh_token_works_once_and_only_after_expiry(fresh: FakeHH) -> None:
    tokens = fresh.issue_tokens()
    with client(fresh) as c:
        early = refresh(fresh, c, tokens["refresh_token"])
        assert early.status_code == 400
        assert early.json() == {"error": "invalid_grant", "error_description": "token not expired"}
        fresh.expire_access_tokens()
        with client(fresh, tokens["access_token"]) as old:
            expired = old.get("/me")
        assert expired.status_code == 403 and error(expired) == ("oauth", "token_expired")
        assert expired.json()["oauth_error"] == "token-expired"
        renewed = refresh(fresh, c, tokens["refresh_token"])
        assert renewed.status_code == 200 and fresh.refreshes == 1
        twice = refresh(fresh, c, tokens["refresh_token"])
        assert twice.json()["error_description"] == "token has already been refreshed"
    new = renewed.json()
    with client(fresh, new["access_token"]) as c:
        assert c.get("/me").status_code == 200
        fresh.advance(days=14)  # the real lifetime passes too
        assert error(c.get("/me")) == ("oauth", "token_expired")
    with client(fresh) as c:
        assert refresh(fresh, c, new["refresh_token"]).status_code == 200
    assert fresh.refreshes == 2


def test_bad_missing_and_revoked_tokens(fresh: FakeHH) -> None:
    with client(fresh) as c:
        assert error(c.get("/me")) == ("forbidden", None)
    with client(fresh, "NOT-A-TOKEN") as c:
        assert error(c.get("/me")) == ("oauth", "bad_authorization")
    tokens = fresh.issue_tokens()
    with client(fresh, tokens["access_token"]) as c:
        assert c.delete(f"{fresh.oauth_url}/oauth/token").status_code == 204
        revoked = c.get("/me")
        assert error(revoked) == ("oauth", "token_revoked")
    fresh.expire_access_tokens()
    with client(fresh) as c:
        gone = refresh(fresh, c, tokens["refresh_token"])
        assert gone.json()["error_description"] == "token was revoked"


def test_user_agent_must_name_the_app_and_a_contact(fresh: FakeHH) -> None:
    token = fresh.issue_tokens()["access_token"]
    with httpx.Client(base_url=fresh.api_url, headers={"Authorization": f"Bearer {token}"}) as c:
        default = c.get("/me")  # httpx's own "python-httpx/x.y"
        assert default.status_code == 400 and error(default) == ("bad_user_agent", "blacklisted")
        del c.headers["user-agent"]
        assert error(c.get("/me")) == ("bad_user_agent", "unset")
        assert c.get("/me", headers={"User-Agent": UA}).status_code == 200
        # HH-User-Agent wins when both are sent.
        both = c.get("/me", headers={"User-Agent": UA, "HH-User-Agent": "curl/8.0"})
        assert error(both) == ("bad_user_agent", "blacklisted")
        token_call = c.post("/oauth/token", data={"grant_type": "refresh_token"})
        assert error(token_call) == ("bad_user_agent", "unset")


def test_above_the_rate_hh_answers_429_with_retry_after(fresh: FakeHH) -> None:
    fresh.rate_limit_per_s = 20
    with client(fresh, fresh.issue_tokens()["access_token"]) as c:
        statuses = [c.get("/me") for _ in range(25)]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited and all(r.status_code == 200 for r in statuses[:20])
        assert int(limited[0].headers["Retry-After"]) >= 1
        assert error(limited[0])[0] == "too_many_requests"
        time.sleep(0.2)
        assert c.get("/me").status_code == 200


def test_vacancy_lists_page_like_hh(hh: FakeHH, api: httpx.Client) -> None:  # noqa: F811
    employer = api.get("/me").json()["employer"]["id"]
    first = api.get(f"/employers/{employer}/vacancies/active", params={"per_page": 1}).json()
    assert (first["found"], first["pages"], first["page"], first["per_page"]) == (2, 2, 0, 1)
    second = api.get(
        f"/employers/{employer}/vacancies/active", params={"per_page": 1, "page": 1}
    ).json()
    assert first["items"][0]["id"] != second["items"][0]["id"]
    archived = api.get(f"/employers/{employer}/vacancies/archived").json()
    assert archived["found"] == 1 and archived["items"][0]["archived"] is True
    too_many = api.get(f"/employers/{employer}/vacancies/active", params={"per_page": 51})
    assert too_many.status_code == 400 and error(too_many) == ("bad_argument", "per_page")
    assert api.get("/employers/1/vacancies/active").status_code == 404
    full = api.get(first["items"][0]["url"]).json()
    assert full["description"].startswith("<p>") and "<li>" in full["description"]
    assert {"name": "Python"} in full["key_skills"] and full["salary"]["currency"] == "RUR"


def test_responses_page_with_resume_summary_and_actions(hh: FakeHH, api: httpx.Client) -> None:  # noqa: F811
    vacancy = hh.world.vacancies[0]
    collections = api.get("/negotiations", params={"vacancy_id": vacancy.id}).json()
    response = next(c for c in collections["collections"] if c["id"] == "response")
    total = response["counters"]["total"]
    assert total >= 2
    # The collection's url carries vacancy_id; paging goes after it.
    pages = [api.get(f"{response['url']}&per_page=1&page={p}").json() for p in range(total)]
    assert {p["found"] for p in pages} == {total} and pages[0]["pages"] == total
    assert len({p["items"][0]["id"] for p in pages}) == total
    item = pages[0]["items"][0]
    resume = item["resume"]
    assert resume["url"].endswith(f"?topic_id={item['id']}")
    assert resume["first_name"] and resume["last_name"] and resume["age"] > 18
    assert item["actions"][0]["url"].startswith(f"{hh.api_url}/negotiations/")
    assert api.get("/negotiations/response").status_code == 400  # vacancy_id is required
    assert api.get(f"{response['url']}&per_page=51").status_code == 400


def test_an_action_url_moves_the_response_and_is_recorded(hh: FakeHH, api: httpx.Client) -> None:  # noqa: F811
    vacancy = hh.world.vacancies[0]

    def counts() -> dict[str, int]:
        body = api.get("/negotiations", params={"vacancy_id": vacancy.id}).json()
        return {c["id"]: c["counters"]["total"] for c in body["collections"]}

    before = counts()
    item = api.get(f"/negotiations/response?vacancy_id={vacancy.id}").json()["items"][0]
    invite = next(a for a in item["actions"] if a["id"] == "interview")
    assert invite["url"] == f"{hh.api_url}/negotiations/interview/{item['id']}"
    moved = api.request(invite["method"], invite["url"], data={"message": "Ждём вас в 11:00"})
    assert moved.status_code == 204
    after = counts()
    assert after["response"] == before["response"] - 1
    assert after["interview"] == before["interview"] + 1
    now = api.get(item["url"]).json()
    assert now["employer_state"]["id"] == "interview" and now["state"]["id"] == "invitation"
    assert "interview" not in {a["id"] for a in now["actions"]}
    assert hh.world.actions[-1].arguments["message"] == "Ждём вас в 11:00"
    again = api.put(invite["url"])
    assert again.status_code == 403 and error(again) == ("negotiations", "wrong_state")
    assert api.post(invite["url"], data={"message": "x"}).status_code == 405
    discard = next(a for a in now["actions"] if a["id"] == "discard_by_employer")
    assert api.put(discard["url"]).status_code == 204  # silent: the applicant is not told yet
    assert api.get(item["url"]).json()["state"]["id"] == "invitation"
    assert api.post(item["messages_url"], data={"message": "К сожалению..."}).status_code == 201
    assert api.get(item["url"]).json()["state"]["id"] == "discard"
    assert api.get(item["url"]).json()["actions"] == []


def test_messages_are_listed_sent_and_checked(hh: FakeHH, api: httpx.Client) -> None:  # noqa: F811
    n = hh.world.negotiations_of(hh.world.vacancies[1].id, "response")[0]
    url = f"/negotiations/{n.id}/messages"
    assert (
        api.post(url, data={"message": "Здравствуйте! Удобно созвониться завтра?"}).status_code
        == 201
    )
    hh.applicant_reply(n.id, "Да, после 12")
    assert hh.world.negotiation(n.id).has_updates is True
    listed = api.get(url).json()
    assert [m["author"]["participant_type"] for m in listed["items"]][-2:] == [
        "employer",
        "applicant",
    ]
    assert hh.world.negotiation(n.id).has_updates is False
    empty = api.post(url, data={"message": "  "})
    assert error(empty) == ("negotiations", "message_cannot_be_empty")
    hh.messages_in_a_row_limit = 1
    try:
        api.post(url, data={"message": "Напоминаю о встрече"})
        assert error(api.post(url, data={"message": "Ау?"})) == ("negotiations", "in_a_row_limit")
    finally:
        hh.messages_in_a_row_limit = None
    archived = hh.world.negotiations_of(hh.world.vacancies[2].id)[0]
    closed = api.post(f"/negotiations/{archived.id}/messages", data={"message": "Привет"})
    assert error(closed) == ("negotiations", "archived")


def test_resume_views_follow_hh_limits(hh: FakeHH, api: httpx.Client) -> None:  # noqa: F811
    n = hh.world.negotiations_of(hh.world.vacancies[0].id, "response")[0]
    others = [r for r in hh.world.resumes if r != n.resume_id and r not in hh.resumes_seen]
    full = api.get(f"/resumes/{n.resume_id}", params={"topic_id": n.id}).json()
    kinds = {c["type"]["id"] for c in full["contact"]}
    assert kinds == {"cell", "email"}
    phone = next(c for c in full["contact"] if c["type"]["id"] == "cell")["value"]
    assert re.fullmatch(r"\+7 \(9\d\d\) \d{3}-\d\d-\d\d", phone["formatted"])
    assert full["experience"][0]["description"] and full["skill_set"]
    assert hh.world.negotiation(n.id).has_updates is False
    assert (n.resume_id, n.id) in hh.resume_views
    wrong = api.get(f"/resumes/{n.resume_id}", params={"topic_id": "1"})
    assert error(wrong) == ("bad_argument", "topic_id")
    hh.resume_views_left = 1
    try:
        assert api.get(f"/resumes/{others[0]}").status_code == 200
        limited = api.get(f"/resumes/{others[1]}")
        assert limited.status_code == 429 and error(limited) == ("resumes", "view_limit_exceeded")
        assert api.get(f"/resumes/{n.resume_id}", params={"topic_id": n.id}).status_code == 200
        hh.resume_quota_exceeded = True
        assert error(api.get(f"/resumes/{others[0]}")) == ("resumes", "quota_exceeded")
    finally:
        hh.resume_views_left, hh.resume_quota_exceeded = None, False
    # HH has no Telegram contact type: candidates list it as a "personal" site.
    tg = next(m for m in hh.world.negotiations if hh.world.resumes[m.resume_id].telegram)
    sites = api.get(f"/resumes/{tg.resume_id}", params={"topic_id": tg.id}).json()["site"]
    assert sites[0]["type"]["id"] == "personal" and sites[0]["url"].startswith("https://t.me/")
    pdf = api.get(full["download"]["pdf"]["url"])
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert api.get("/resumes/nosuchresume").status_code == 404


def test_without_paid_access_employer_methods_are_refused(hh: FakeHH, api: httpx.Client) -> None:  # noqa: F811
    hh.no_paid_access = True
    try:
        for path in (
            f"/resumes/{next(iter(hh.world.resumes))}",
            f"/negotiations?vacancy_id={hh.world.vacancies[0].id}",
        ):
            refused = api.get(path)
            assert refused.status_code == 403
            assert error(refused) == ("api_access_payment", "action_must_be_payed")
        assert api.get("/me").status_code == 200
    finally:
        hh.no_paid_access = False


def test_captcha_and_injected_failures(hh: FakeHH, api: httpx.Client) -> None:  # noqa: F811
    hh.captcha_next(2)
    first, second, third = (api.get("/me") for _ in range(3))
    for blocked in (first, second):
        assert blocked.status_code == 403
        assert error(blocked) == ("captcha_required", "captcha_required")
    assert third.status_code == 200
    captcha_url = first.json()["errors"][0]["captcha_url"]
    assert captcha_url.startswith(f"{hh.api_url}/account/captcha?")
    hh.captcha_next(5)
    solved = api.get(captcha_url, params={"backurl": "selectio://back"})
    assert solved.status_code == 302 and solved.headers["location"] == "selectio://back"
    assert api.get("/me").status_code == 200
    hh.fail_next(503)
    hh.fail_next(502)
    unavailable, bad_gateway = api.get("/me"), api.get("/me")
    assert unavailable.status_code == 503 and error(unavailable) == ("service_unavailable", None)
    assert bad_gateway.status_code == 502 and "<html>" in bad_gateway.text
    assert api.get("/me").status_code == 200
    assert hh.requests[-1].path == "/me" and hh.requests[-1].headers["hh-user-agent"] == UA


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers["Content-Length"])
        self.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_webhook_subscriptions_and_deliveries(hh: FakeHH, api: httpx.Client) -> None:  # noqa: F811
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hh/webhook"
    try:
        bad = api.post("/webhook/subscriptions", json={"url": url, "actions": [{"type": "X"}]})
        assert bad.status_code == 400 and bad.json()["errors"][0]["type"] == "bad_json_data"
        body = {"url": url, "actions": [{"type": "NEW_NEGOTIATION_VACANCY"}]}
        created = api.post("/webhook/subscriptions", json=body)
        assert created.status_code == 201
        twice = api.post("/webhook/subscriptions", json=body)
        assert error(twice) == ("notifications", "already_exist")
        vacancy = hh.world.vacancies[1]
        n = hh.add_response(vacancy.id, letter="Добрый день!")
        delivered = _Receiver.received[-1]
        assert delivered["action_type"] == "NEW_NEGOTIATION_VACANCY"
        assert delivered["subscription_id"] == created.json()["id"]
        assert delivered["payload"]["topic_id"] == n.id
        assert delivered["payload"]["vacancy_id"] == vacancy.id
        listed = api.get("/negotiations/response", params={"vacancy_id": vacancy.id}).json()
        assert n.id in {i["id"] for i in listed["items"]}
        sub_id = created.json()["id"]
        assert api.get("/webhook/subscriptions").json()["items"][0]["url"] == url
        assert api.delete(f"/webhook/subscriptions/{sub_id}").status_code == 204
        assert api.get("/webhook/subscriptions").json() == {"items": []}
    finally:
        receiver.shutdown()
        receiver.server_close()


def test_the_sample_world_is_seeded_and_realistic() -> None:
    one, two = World.sample(7, responses_per_vacancy=4), World.sample(7, responses_per_vacancy=4)
    assert [r.email for r in one.resumes.values()] == [r.email for r in two.resumes.values()]
    assert [v.archived for v in one.vacancies] == [False, False, True]
    assert len(one.negotiations) == 4 + 4 + 2
    assert {v.name for v in one.vacancies[:2]} == {
        "Python-разработчик (Middle)",
        "QA-инженер (автотесты на Python)",
    }
    many = World.sample(3, vacancies=2, responses_per_vacancy=20)
    resumes = list(many.resumes.values())
    assert all(re.fullmatch(r"[А-ЯЁ][а-яё]+", r.first_name) for r in resumes)
    assert all(re.fullmatch(r"[a-z0-9._]+@[a-z]+\.(ru|com)", r.email) for r in resumes)
    assert any(r.telegram for r in resumes) and not all(r.telegram for r in resumes)
    assert len({n.employer_state for n in many.negotiations}) >= 3
    assert all(len(r.id) == 38 for r in resumes)


def test_unknown_paths_answer_in_hh_format(api: httpx.Client) -> None:
    missing = api.get("/no/such/thing")
    assert missing.status_code == 404 and error(missing) == ("not_found", None)
