"""The Telegram connection through the API, against a fake data centre speaking MTProto to the
real client: owners connect with code and password, Telegram's refusals keep their codes (a
flood wait is 429 with Retry-After), other members only read, and a session is exported once,
audited, and imported elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from db import telegram_sessions
from db.pool import transaction
from pipelines.telegram.conversation import Incoming, receive
from pipelines.telegram.deep_link import read_token
from serve_apps.app import attach, build_app
from tests.db import factories
from tests.pipelines.screened import screened_application
from tests.serve_apps.conftest import login


@pytest.fixture(scope="module")
def api(pool, tg_settings) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(attach(build_app(), pool=pool, settings=tg_settings)) as client:
        yield client


def _as(api, team, role: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return login(api, f"{role}@acme.test", team["password"]) | {
        "X-Workspace-Id": str(team["acme"].id)
    }


def test_an_owner_connects_with_code_and_password(api, team, telegram) -> None:  # type: ignore[no-untyped-def]
    telegram.add_account("+79991112233", first_name="Анна", username="anna_hr", password="pw")
    owner, recruiter = _as(api, team, "owner"), _as(api, team, "recruiter")
    assert api.get("/api/v1/telegram", headers=recruiter).json()["status"] is None
    phone = {"phone": "+7 999 111-22-33"}
    assert api.post("/api/v1/telegram/login", json=phone, headers=recruiter).status_code == 403
    sent = api.post("/api/v1/telegram/login", json=phone, headers=owner)
    assert sent.status_code == 200 and sent.json()["status"] == "code_sent"
    wrong = api.post("/api/v1/telegram/login/code", json={"code": "13579"}, headers=owner)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "code_invalid")
    step = api.post("/api/v1/telegram/login/code", json={"code": "24680"}, headers=owner)
    assert step.json()["status"] == "password_needed"
    early = api.post("/api/v1/telegram/session/export", headers=owner)
    assert early.json()["error"]["code"] == "telegram_wrong_step"
    done = api.post("/api/v1/telegram/login/password", json={"password": "pw"}, headers=owner)
    assert done.status_code == 200, done.text
    shown = api.get("/api/v1/telegram", headers=recruiter).json()
    assert (shown["connected"], shown["display_name"], shown["username"]) == (
        True, "Анна", "anna_hr",
    )  # fmt: skip

    # Invitations now carry the chat's deep link as well as the voice link.
    application_id = screened_application(api.app.state.pool, team["acme"].id)
    invited = api.post("/api/v1/interviews", json={"application_id": application_id},
                       headers=recruiter)  # fmt: skip
    assert invited.status_code == 201, invited.text
    link = invited.json()["telegram_link"]
    assert link.startswith("https://t.me/anna_hr?start=")
    secret = api.app.state.settings.resolved_secret_key()
    assert read_token(secret, team["acme"].id, link.rsplit("=", 1)[1]) == application_id

    # Welcomes for a vacancy's applicants: queued once, their progress read back.
    with transaction(api.app.state.pool, workspace_id=team["acme"].id) as conn:
        vacancy = factories.vacancy(conn, team["acme"], title="QA Engineer")
        for username, phone in (("qa_one", None), (None, "+79035551122"), (None, None)):
            person = factories.candidate(conn, team["acme"], telegram_username=username,
                                         phone=phone)  # fmt: skip
            factories.application(conn, team["acme"], candidate_id=person.id,
                                  vacancy_id=vacancy.id)  # fmt: skip
    welcomed = api.post("/api/v1/telegram/welcome", json={"vacancy_id": vacancy.id},
                        headers=recruiter).json()  # fmt: skip
    assert (welcomed["queued"], welcomed["by_phone"], welcomed["no_telegram"]) == (2, 1, 1)
    progress = api.get(f"/api/v1/telegram/welcome/{vacancy.id}", headers=recruiter).json()
    assert (progress["total"], progress["pending"], progress["sent"]) == (2, 2, 0)
    assert api.get("/api/v1/telegram/welcome/999999", headers=recruiter).status_code == 404

    exported = api.post("/api/v1/telegram/session/export", headers=owner)
    assert exported.status_code == 200 and exported.json()["session"].startswith("1")
    log = api.get(f"/api/v1/workspaces/{team['acme'].id}/audit", headers=owner).json()
    actions = [e["action"] for e in (log["items"] if isinstance(log, dict) else log)]
    assert {"telegram.connected", "telegram.session_exported"} <= set(actions)

    # The same account cannot run in a second workspace (two bots would answer everyone).
    other = _as(api, team, "outsider") | {"X-Workspace-Id": str(team["globex"].id)}
    moved = api.post("/api/v1/telegram/session/import", headers=other,
                     json={"session": exported.json()["session"]})  # fmt: skip
    assert moved.status_code == 409
    assert moved.json()["error"]["code"] == "telegram_account_in_use"

    # First messages paused after Telegram's PEER_FLOOD: shown, and an owner lifts the pause.
    with transaction(api.app.state.pool, workspace_id=team["acme"].id) as conn:
        telegram_sessions.pause_outreach(conn, until=datetime.now(UTC) + timedelta(hours=5),
                                         reason="PEER_FLOOD")  # fmt: skip
    assert api.get("/api/v1/telegram", headers=recruiter).json()["outreach_paused_until"]
    assert api.delete("/api/v1/telegram/outreach/pause", headers=recruiter).status_code == 403
    lifted = api.delete("/api/v1/telegram/outreach/pause", headers=owner)
    assert lifted.status_code == 200 and lifted.json()["outreach_paused_until"] is None
    out = api.post("/api/v1/telegram/logout", headers=owner)
    assert out.json()["status"] == "signed_out" and out.json()["telegram_confirmed"]


def test_a_flood_wait_is_a_429_with_retry_after(api, team, telegram) -> None:  # type: ignore[no-untyped-def]
    telegram.add_account("+79991112244")
    telegram.flood_wait_s = 120
    answer = api.post("/api/v1/telegram/login", json={"phone": "+79991112244"},
                      headers=_as(api, team, "owner"))  # fmt: skip
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "120")
    assert answer.json()["error"]["code"] == "flood_wait"


def test_conversations_list_read_and_reply(api, team, settings) -> None:  # type: ignore[no-untyped-def]
    acme = team["acme"].id
    secret = api.app.state.settings.resolved_secret_key()
    for text in ("Добрый день!", "Я по поводу вакансии"):
        receive(api.app.state.pool, secret, acme, Incoming(
            chat_id=5151, access_hash=99, username="masha", text=text, kind="text",
            message_id=len(text)))  # fmt: skip
    recording = b"OggS\x00\x02 a voice note"
    receive(api.app.state.pool, secret, acme, Incoming(
        chat_id=5151, access_hash=99, username="masha", text="Пять лет на Python", kind="voice",
        message_id=100, voice_s=3.2, audio=recording, audio_mime="audio/ogg"))  # fmt: skip
    recruiter, viewer = _as(api, team, "recruiter"), _as(api, team, "viewer")
    (chat,) = [c for c in api.get("/api/v1/telegram/chats", headers=viewer).json()
               if c["chat_id"] == 5151]  # fmt: skip
    assert (chat["username"], chat["unread"], chat["last_text"]) == (
        "masha", 3, "Пять лет на Python",
    )  # fmt: skip
    history = api.get("/api/v1/telegram/chats/5151/messages", headers=viewer).json()
    assert [m["text"] for m in history] == [
        "Добрый день!", "Я по поводу вакансии", "Пять лет на Python",
    ]  # fmt: skip
    assert [m["has_audio"] for m in history] == [False, False, True]
    voice = history[-1]
    played = api.get(f"/api/v1/telegram/chats/5151/messages/{voice['id']}/audio", headers=viewer)
    assert (played.status_code, played.content) == (200, recording)
    assert played.headers["content-type"] == "audio/ogg"
    silent = api.get(f"/api/v1/telegram/chats/5151/messages/{history[0]['id']}/audio",
                     headers=viewer)  # fmt: skip
    wrong_chat = api.get(f"/api/v1/telegram/chats/1/messages/{voice['id']}/audio",
                         headers=viewer)  # fmt: skip
    assert silent.status_code == 404 and wrong_chat.status_code == 404
    (chat,) = [c for c in api.get("/api/v1/telegram/chats", headers=viewer).json()
               if c["chat_id"] == 5151]  # fmt: skip
    assert chat["unread"] == 0
    body, key = {"text": "Здравствуйте! Пришлите, пожалуйста, резюме."}, {"Idempotency-Key": "r1"}
    assert api.post("/api/v1/telegram/chats/5151/messages", json=body,
                    headers=viewer | key).status_code == 403  # fmt: skip
    first = api.post("/api/v1/telegram/chats/5151/messages", json=body, headers=recruiter | key)
    again = api.post("/api/v1/telegram/chats/5151/messages", json=body, headers=recruiter | key)
    assert first.status_code == 202 and first.json() == again.json()
    assert api.get("/api/v1/telegram/chats/1/messages", headers=viewer).status_code == 404
    outsider = _as(api, team, "outsider") | {"X-Workspace-Id": str(team["globex"].id)}
    assert api.get("/api/v1/telegram/chats", headers=outsider).json() == []
    assert api.get("/api/v1/telegram/chats/5151/messages", headers=outsider).status_code == 404
    stolen = api.get(f"/api/v1/telegram/chats/5151/messages/{voice['id']}/audio",
                     headers=outsider)  # fmt: skip
    assert stolen.status_code == 404
