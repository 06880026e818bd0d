"""The console's HTTP client of the Selectio API (the console never touches the database)."""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable
from functools import cache
from typing import Any

import httpx

DEFAULT_API_URL = "http://127.0.0.1:8000"


class ApiFailure(Exception):
    """An API call failed; `message` is fit to show to the recruiter."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def api_base_url() -> str:
    """Where the API is: SELECTIO_API_URL (set by `selectio up`) or the default port."""
    return os.environ.get("SELECTIO_API_URL", DEFAULT_API_URL).rstrip("/")


@cache
def _tls() -> ssl.SSLContext:
    """httpx's default TLS context, built once: building one loads the CA bundle (tens of
    milliseconds), and the console makes a client per signed-in user and per extract."""
    return httpx.create_ssl_context()


class ApiClient:
    """Typed-enough wrappers over the REST endpoints the console uses."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout_s: float = 15.0,
        on_failure: Callable[[ApiFailure], None] | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(
            base_url=f"{base_url}/api/v1", headers=headers, timeout=timeout_s, verify=_tls()
        )
        self._on_failure = on_failure  # sees every failure first (a session that ended)

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The response of a successful call; anything else becomes an ApiFailure."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as e:
            raise ApiFailure(
                0, "api_unreachable", f"the API is not reachable ({type(e).__name__})"
            ) from e
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
                failure = ApiFailure(response.status_code, error["code"], error["message"])
            except (ValueError, KeyError, TypeError):
                failure = ApiFailure(response.status_code, "http_error", response.text[:200])
            if self._on_failure is not None:
                self._on_failure(failure)
            raise failure
        return response

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        return response.json() if response.content else None

    def _bytes(self, method: str, path: str, **kwargs: Any) -> bytes:
        return self._send(method, path, **kwargs).content

    def login(self, email: str, password: str) -> dict[str, Any]:
        return self._call("POST", "/auth/login", json={"email": email, "password": password})

    def logout(self) -> None:
        self._call("POST", "/auth/logout")

    def me(self) -> dict[str, Any]:
        return self._call("GET", "/me")

    def set_language(self, language: str) -> None:
        """Remember the user's console language on the server (it follows them)."""
        self._call("PUT", "/me/preferences", json={"language": language})

    def vacancies(self, workspace_id: str, status: str | None = None) -> list[dict[str, Any]]:
        params = {"status": status} if status else {}
        return self._call("GET", f"/workspaces/{workspace_id}/vacancies", params=params)

    def candidates(self, workspace_id: str, query: str | None = None) -> list[dict[str, Any]]:
        params = {"q": query} if query else {}
        return self._call("GET", f"/workspaces/{workspace_id}/candidates", params=params)

    def members(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._call("GET", f"/workspaces/{workspace_id}/members")

    # ---- invitations: owners invite by e-mail, the person accepts or declines ----

    def invite(self, workspace_id: str, email: str, role: str) -> dict[str, Any]:
        """The same answer whether or not the address has an account."""
        return self._call(
            "POST", f"/workspaces/{workspace_id}/invitations", json={"email": email, "role": role}
        )

    def invitations(self, workspace_id: str) -> list[dict[str, Any]]:
        """The workspace's unanswered invitations (owners only)."""
        return self._call("GET", f"/workspaces/{workspace_id}/invitations")

    def revoke_invitation(self, workspace_id: str, invitation_id: str) -> None:
        self._call("DELETE", f"/workspaces/{workspace_id}/invitations/{invitation_id}")

    def my_invitations(self) -> list[dict[str, Any]]:
        """Open invitations addressed to the signed-in user."""
        return self._call("GET", "/me/invitations")

    def accept_invitation(self, invitation_id: str) -> dict[str, Any]:
        """Join the inviting workspace; returns that workspace."""
        return self._call("POST", f"/me/invitations/{invitation_id}/accept")

    def decline_invitation(self, invitation_id: str) -> None:
        self._call("POST", f"/me/invitations/{invitation_id}/decline")

    def ranking(self, workspace_id: str, vacancy_id: int) -> list[dict[str, Any]]:
        return self._call(
            "GET",
            f"/vacancies/{vacancy_id}/ranking",
            headers={"X-Workspace-Id": workspace_id},
        )

    def create_vacancy(self, workspace_id: str, **fields: Any) -> dict[str, Any]:
        return self._call("POST", f"/workspaces/{workspace_id}/vacancies", json=fields)

    # ---- vacancies: a page of the list, preview, create with corrections, edit ----

    def vacancy_page(
        self,
        workspace_id: str,
        *,
        status: str | None = None,
        source: str | None = None,
        query: str | None = None,
        limit: int = 25,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the workspace's vacancies and how many match the filters in all."""
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        params |= {k: v for k, v in (("status", status), ("source", source), ("q", query)) if v}
        response = self._send("GET", f"/workspaces/{workspace_id}/vacancies", params=params)
        rows = response.json()
        return rows, int(response.headers.get("X-Total-Count", len(rows)))

    def preview_vacancy(
        self, workspace_id: str, title: str, description: str, location: str | None = None
    ) -> dict[str, Any]:
        """What the product reads from a vacancy text, nothing stored."""
        body = {"title": title, "description": description, "location": location or None}
        return self._call("POST", "/vacancies/preview", json=body, headers=_in(workspace_id))

    def preview_vacancy_file(self, workspace_id: str, name: str, data: bytes) -> dict[str, Any]:
        """The same preview for an uploaded TXT, DOCX or PDF (its text included)."""
        return self._call(
            "POST", "/vacancies/preview-file", files={"file": (name, data)},
            headers=_in(workspace_id), timeout=60,
        )  # fmt: skip

    def save_vacancy(self, workspace_id: str, **fields: Any) -> dict[str, Any]:
        """Create an analysed vacancy; `requirements` carries the recruiter's corrections."""
        return self._call("POST", "/vacancies", json=fields, headers=_in(workspace_id))

    def vacancy(self, workspace_id: str, vacancy_id: int) -> dict[str, Any]:
        return self._call("GET", f"/vacancies/{vacancy_id}", headers=_in(workspace_id))

    def update_vacancy(self, workspace_id: str, vacancy_id: int, **fields: Any) -> dict[str, Any]:
        """Change text, requirements or status (archive / restore) of a vacancy."""
        return self._call(
            "PATCH", f"/vacancies/{vacancy_id}", json=fields, headers=_in(workspace_id)
        )

    def vacancy_policy(self, workspace_id: str, vacancy_id: int) -> dict[str, Any]:
        return self._call(
            "GET", f"/analysis/vacancy/{vacancy_id}/policy", headers=_in(workspace_id)
        )

    def set_vacancy_policy(
        self, workspace_id: str, vacancy_id: int, policy: dict[str, Any]
    ) -> dict[str, Any]:
        """Store weights and thresholds; an empty policy restores the defaults."""
        return self._call(
            "PUT", f"/analysis/vacancy/{vacancy_id}/policy", json=policy,
            headers=_in(workspace_id),
        )  # fmt: skip

    # ---- candidates of a vacancy: the ranked page, uploads, one-by-one bulk steps ----

    def ranking_page(
        self,
        workspace_id: str,
        vacancy_id: int,
        *,
        stage: str | None = None,
        flagged: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the vacancy's ranked applications and how many match in all."""
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        params |= {"stage": stage} if stage else {}
        params |= {"flagged": "true"} if flagged else {}
        response = self._send(
            "GET", f"/vacancies/{vacancy_id}/ranking", params=params, headers=_in(workspace_id)
        )
        rows = response.json()
        return rows, int(response.headers.get("X-Total-Count", len(rows)))

    def upload_resumes(
        self, workspace_id: str, files: list[tuple[str, bytes]], vacancy_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Store the files as resumes (parsed and screened in the background)."""
        data = {"vacancy_id": str(vacancy_id)} if vacancy_id is not None else {}
        answer = self._call(
            "POST", "/resumes", files=[("files", f) for f in files], data=data,
            headers=_in(workspace_id), timeout=120,
        )  # fmt: skip
        return answer["resumes"]

    def resumes_by_id(self, workspace_id: str, ids: list[int]) -> list[dict[str, Any]]:
        """The current state of these resumes (an upload following its files)."""
        return self._call(
            "GET", "/resumes", params={"id": ids, "limit": len(ids)}, headers=_in(workspace_id)
        )

    def screen_application(self, workspace_id: str, application_id: int) -> dict[str, Any]:
        return self._call(
            "POST", f"/applications/{application_id}/screen", headers=_in(workspace_id),
            timeout=60,
        )  # fmt: skip

    def set_stage(self, workspace_id: str, application_id: int, stage: str) -> dict[str, Any]:
        return self._call(
            "PATCH", f"/applications/{application_id}", json={"stage": stage},
            headers=_in(workspace_id),
        )  # fmt: skip

    def invite_to_interview(
        self, workspace_id: str, application_id: int, ttl_hours: float = 72
    ) -> dict[str, Any]:
        """A voice interview for the application; the answer holds the candidate's link."""
        return self._call(
            "POST", "/interviews", json={"application_id": application_id, "ttl_hours": ttl_hours},
            headers=_in(workspace_id),
        )  # fmt: skip

    # ---- one candidate: everything about them, notes ----

    def candidate_page(self, workspace_id: str, candidate_id: int) -> dict[str, Any]:
        """Candidate, resumes, applications, interviews, notes and timeline in one answer."""
        return self._call("GET", f"/candidates/{candidate_id}", headers=_in(workspace_id))

    def add_note(self, workspace_id: str, candidate_id: int, body: str) -> dict[str, Any]:
        return self._call(
            "POST", f"/candidates/{candidate_id}/notes", json={"body": body},
            headers=_in(workspace_id),
        )  # fmt: skip

    def search(
        self,
        workspace_id: str,
        query: str,
        *,
        skills: list[str] | None = None,
        min_years: float | None = None,
        vacancy_id: int | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Semantic search over the workspace's parsed resumes, best first."""
        params: dict[str, Any] = {"q": query, "limit": limit}
        params |= {"skill": skills} if skills else {}
        params |= {"min_years": min_years} if min_years else {}
        params |= {"vacancy_id": vacancy_id} if vacancy_id else {}
        return self._call("GET", "/search", params=params, headers=_in(workspace_id))

    def interview_plan(self, workspace_id: str, application_id: int) -> dict[str, Any]:
        return self._call("GET", f"/applications/{application_id}/plan", headers=_in(workspace_id))

    # ---- live interviews ----

    def live_interviews(self, workspace_id: str) -> list[dict[str, Any]]:
        """Interviews running now, with progress, clock and last latency."""
        return self._call("GET", "/interviews/live", headers=_in(workspace_id))

    def end_interview(self, workspace_id: str, interview_id: int) -> dict[str, Any]:
        """End a running interview (it fails as "ended by recruiter", its link stops working)."""
        return self._call("POST", f"/interviews/{interview_id}/end", headers=_in(workspace_id))

    # ---- team, keys, audit, settings ----

    def set_member_role(self, workspace_id: str, user_id: int, role: str) -> dict[str, Any]:
        return self._call(
            "PATCH", f"/workspaces/{workspace_id}/members/{user_id}", json={"role": role}
        )

    def remove_member(self, workspace_id: str, user_id: int) -> None:
        self._call("DELETE", f"/workspaces/{workspace_id}/members/{user_id}")

    def api_keys(self, workspace_id: str, include_revoked: bool = True) -> list[dict[str, Any]]:
        params = {"include_revoked": "true"} if include_revoked else {}
        return self._call("GET", f"/workspaces/{workspace_id}/api-keys", params=params)

    def create_api_key(self, workspace_id: str, name: str, role: str) -> dict[str, Any]:
        """The new key; its `key` (the secret itself) is in this answer only."""
        return self._call(
            "POST", f"/workspaces/{workspace_id}/api-keys", json={"name": name, "role": role}
        )

    def revoke_api_key(self, workspace_id: str, key_id: int) -> None:
        self._call("DELETE", f"/workspaces/{workspace_id}/api-keys/{key_id}")

    def audit_page(
        self, workspace_id: str, *, limit: int = 50, offset: int = 0, **filters: Any
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the audit log (filters: action, actor_user_id, target_type, since,
        until) and how many entries match in all."""
        params = {"limit": limit, "offset": offset}
        params |= {k: v for k, v in filters.items() if v is not None and v != ""}
        response = self._send("GET", f"/workspaces/{workspace_id}/audit", params=params)
        rows = response.json()
        return rows, int(response.headers.get("X-Total-Count", len(rows)))

    def rename_workspace(self, workspace_id: str, name: str) -> dict[str, Any]:
        return self._call("PATCH", f"/workspaces/{workspace_id}", json={"name": name})

    def set_retention(self, workspace_id: str, days: int | None) -> dict[str, Any]:
        """Keep candidates' personal data `days` days (None: for ever)."""
        return self._call("PUT", f"/workspaces/{workspace_id}/retention", json={"days": days})

    def workspace_settings(self, workspace_id: str) -> dict[str, Any]:
        """Engines in use, which keys are configured (never their values), interview limits."""
        return self._call("GET", f"/workspaces/{workspace_id}/settings")

    # ---- automation: schedules, runs, the outbox ----

    def schedules(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._call("GET", "/jobs/schedules", headers=_in(workspace_id))

    def set_schedule(self, workspace_id: str, kind: str, **body: Any) -> dict[str, Any]:
        return self._call("PUT", f"/jobs/schedules/{kind}", json=body, headers=_in(workspace_id))

    def clear_schedule(self, workspace_id: str, kind: str) -> None:
        self._send("DELETE", f"/jobs/schedules/{kind}", headers=_in(workspace_id))

    def job_runs(self, workspace_id: str, limit: int = 50) -> list[dict[str, Any]]:
        return self._call("GET", "/jobs", params={"limit": limit}, headers=_in(workspace_id))

    def run_job_now(self, workspace_id: str, kind: str) -> dict[str, Any]:
        return self._call("POST", f"/jobs/{kind}/run", headers=_in(workspace_id))

    def outbox(self, workspace_id: str, status: str | None = None) -> list[dict[str, Any]]:
        params = {"status": status} if status else {}
        return self._call("GET", "/outbox", params=params, headers=_in(workspace_id))

    def retry_outbox(self, workspace_id: str, item_id: int) -> dict[str, Any]:
        return self._call("POST", f"/outbox/{item_id}/retry", headers=_in(workspace_id))

    # ---- notifications (the signed-in person's, per workspace) ----

    def inbox(
        self, workspace_id: str, *, language: str, unread_only: bool = False, limit: int = 50
    ) -> dict[str, Any]:
        params = {"language": language, "unread_only": unread_only, "limit": limit}
        return self._call("GET", "/notifications", params=params, headers=_in(workspace_id))

    def unread_notifications(self, workspace_id: str) -> int:
        return int(self._call("GET", "/notifications/unread", headers=_in(workspace_id))["unread"])

    def read_notification(self, workspace_id: str, notification_id: int) -> dict[str, Any]:
        return self._call(
            "POST", f"/notifications/{notification_id}/read", headers=_in(workspace_id)
        )

    def read_all_notifications(self, workspace_id: str) -> int:
        return int(
            self._call("POST", "/notifications/read-all", headers=_in(workspace_id))["marked"]
        )

    def notification_settings(self, workspace_id: str) -> dict[str, Any]:
        return self._call("GET", "/notifications/settings", headers=_in(workspace_id))

    def save_notification_settings(self, workspace_id: str, **body: Any) -> dict[str, Any]:
        return self._call("PUT", "/notifications/settings", json=body, headers=_in(workspace_id))

    # ---- the workspace's Telegram account ----

    def telegram(self, workspace_id: str) -> dict[str, Any]:
        return self._call("GET", "/telegram", headers=_in(workspace_id))

    def telegram_login(self, workspace_id: str, phone: str) -> dict[str, Any]:
        # Each step is a round trip to Telegram: allow it more than the usual timeout.
        return self._call(
            "POST", "/telegram/login", json={"phone": phone}, headers=_in(workspace_id),
            timeout=60,
        )  # fmt: skip

    def telegram_code(self, workspace_id: str, code: str) -> dict[str, Any]:
        return self._call(
            "POST", "/telegram/login/code", json={"code": code}, headers=_in(workspace_id),
            timeout=60,
        )  # fmt: skip

    def telegram_password(self, workspace_id: str, password: str) -> dict[str, Any]:
        return self._call(
            "POST", "/telegram/login/password", json={"password": password},
            headers=_in(workspace_id), timeout=60,
        )  # fmt: skip

    def telegram_logout(self, workspace_id: str) -> dict[str, Any]:
        return self._call("POST", "/telegram/logout", headers=_in(workspace_id), timeout=60)

    def telegram_export(self, workspace_id: str) -> dict[str, Any]:
        return self._call("POST", "/telegram/session/export", headers=_in(workspace_id))

    def telegram_import(self, workspace_id: str, session: str) -> dict[str, Any]:
        return self._call(
            "POST", "/telegram/session/import", json={"session": session},
            headers=_in(workspace_id), timeout=60,
        )  # fmt: skip

    def telegram_settings(self, workspace_id: str, disclose_ai: bool) -> dict[str, Any]:
        return self._call(
            "PUT", "/telegram/settings", json={"disclose_ai": disclose_ai},
            headers=_in(workspace_id),
        )  # fmt: skip

    def telegram_welcome(self, workspace_id: str, vacancy_id: int) -> dict[str, Any]:
        return self._call(
            "POST", "/telegram/welcome", json={"vacancy_id": vacancy_id},
            headers=_in(workspace_id),
        )  # fmt: skip

    def telegram_chats(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._call("GET", "/telegram/chats", headers=_in(workspace_id))

    def telegram_history(self, workspace_id: str, chat_id: int) -> list[dict[str, Any]]:
        return self._call("GET", f"/telegram/chats/{chat_id}/messages", headers=_in(workspace_id))

    def import_runs(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._call("GET", "/integrations/runs", headers=_in(workspace_id))

    def hh(self, workspace_id: str) -> dict[str, Any]:
        return self._call("GET", "/integrations/hh", headers=_in(workspace_id))

    def hh_connect(self, workspace_id: str) -> dict[str, Any]:
        return self._call("POST", "/integrations/hh/connect", headers=_in(workspace_id))

    def hh_sync(self, workspace_id: str) -> dict[str, Any]:
        # An inline sync (tools, tests) runs in the request; the product's returns at once.
        return self._call("POST", "/integrations/hh/sync", json={}, headers=_in(workspace_id),
                          timeout=600)  # fmt: skip

    def hh_settings(self, workspace_id: str, welcome: bool) -> dict[str, Any]:
        return self._call("PUT", "/integrations/hh/settings", json={"welcome": welcome},
                          headers=_in(workspace_id))  # fmt: skip

    def hh_disconnect(self, workspace_id: str) -> dict[str, Any]:
        return self._call("DELETE", "/integrations/hh", headers=_in(workspace_id), timeout=60)

    def hh_browser(self, workspace_id: str) -> dict[str, Any]:
        return self._call("GET", "/integrations/hh-browser", headers=_in(workspace_id))

    def hh_browser_cookies(self, workspace_id: str, cookies: str) -> dict[str, Any]:
        return self._call("PUT", "/integrations/hh-browser/cookies", json={"cookies": cookies},
                          headers=_in(workspace_id))  # fmt: skip

    def hh_browser_sync(self, workspace_id: str) -> dict[str, Any]:
        # The read is started and goes on in the API's process; its run shows how it went.
        return self._call("POST", "/integrations/hh-browser/sync", headers=_in(workspace_id),
                          timeout=60)  # fmt: skip

    def hh_browser_forget(self, workspace_id: str) -> dict[str, Any]:
        return self._call("DELETE", "/integrations/hh-browser", headers=_in(workspace_id))

    def telegram_audio(self, workspace_id: str, chat_id: int, message_id: int) -> bytes:
        return self._bytes(
            "GET", f"/telegram/chats/{chat_id}/messages/{message_id}/audio",
            headers=_in(workspace_id),
        )  # fmt: skip

    def telegram_welcome_progress(self, workspace_id: str, vacancy_id: int) -> dict[str, Any]:
        return self._call("GET", f"/telegram/welcome/{vacancy_id}", headers=_in(workspace_id))

    def telegram_resume_outreach(self, workspace_id: str) -> dict[str, Any]:
        return self._call("DELETE", "/telegram/outreach/pause", headers=_in(workspace_id))

    def telegram_reply(
        self, workspace_id: str, chat_id: int, text: str, key: str
    ) -> dict[str, Any]:
        return self._call(
            "POST", f"/telegram/chats/{chat_id}/messages", json={"text": text},
            headers={**_in(workspace_id), "Idempotency-Key": key},
        )  # fmt: skip

    # ---- webhooks: outbound endpoints and deliveries, inbound hooks and events ----

    def webhook_events(self) -> list[str]:
        return self._call("GET", "/webhooks/events")

    def webhooks(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._call("GET", "/webhooks", headers=_in(workspace_id))

    def create_webhook(
        self, workspace_id: str, url: str, events: list[str], description: str = ""
    ) -> dict[str, Any]:
        body = {"url": url, "events": events, "description": description}
        return self._call("POST", "/webhooks", json=body, headers=_in(workspace_id))

    def update_webhook(self, workspace_id: str, endpoint_id: int, **fields: Any) -> dict[str, Any]:
        return self._call(
            "PATCH", f"/webhooks/{endpoint_id}", json=fields, headers=_in(workspace_id)
        )

    def delete_webhook(self, workspace_id: str, endpoint_id: int) -> None:
        self._send("DELETE", f"/webhooks/{endpoint_id}", headers=_in(workspace_id))

    def rotate_webhook_secret(self, workspace_id: str, endpoint_id: int) -> dict[str, Any]:
        return self._call(
            "POST", f"/webhooks/{endpoint_id}/rotate-secret", headers=_in(workspace_id)
        )

    def ping_webhook(self, workspace_id: str, endpoint_id: int) -> dict[str, Any]:
        return self._call("POST", f"/webhooks/{endpoint_id}/ping", headers=_in(workspace_id))

    def webhook_deliveries(self, workspace_id: str, endpoint_id: int) -> list[dict[str, Any]]:
        return self._call("GET", f"/webhooks/{endpoint_id}/deliveries", headers=_in(workspace_id))

    def resend_delivery(self, workspace_id: str, delivery_id: int) -> dict[str, Any]:
        return self._call(
            "POST", f"/webhooks/deliveries/{delivery_id}/resend", headers=_in(workspace_id)
        )

    def inbound_hooks(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._call("GET", "/inbound-hooks", headers=_in(workspace_id))

    def create_inbound_hook(self, workspace_id: str, description: str = "") -> dict[str, Any]:
        body = {"source": "generic", "description": description}
        return self._call("POST", "/inbound-hooks", json=body, headers=_in(workspace_id))

    def set_inbound_hook_enabled(
        self, workspace_id: str, hook_id: int, enabled: bool
    ) -> dict[str, Any]:
        return self._call(
            "PATCH", f"/inbound-hooks/{hook_id}", json={"enabled": enabled},
            headers=_in(workspace_id),
        )  # fmt: skip

    def delete_inbound_hook(self, workspace_id: str, hook_id: int) -> None:
        self._send("DELETE", f"/inbound-hooks/{hook_id}", headers=_in(workspace_id))

    def inbound_events(self, workspace_id: str, limit: int = 50) -> list[dict[str, Any]]:
        return self._call(
            "GET", "/inbound-hooks/events", params={"limit": limit}, headers=_in(workspace_id)
        )

    # ---- interviews and their analysis (workspace-scoped by header) ----

    def vacancy_interviews(self, workspace_id: str, vacancy_id: int) -> list[dict[str, Any]]:
        return self._call(
            "GET", f"/analysis/vacancy/{vacancy_id}/interviews", headers=_in(workspace_id)
        )

    def vacancy_analytics(self, workspace_id: str, vacancy_id: int) -> dict[str, Any]:
        return self._call("GET", f"/analysis/vacancy/{vacancy_id}", headers=_in(workspace_id))

    def interview(self, workspace_id: str, interview_id: int) -> dict[str, Any]:
        """The interview with its transcript turns."""
        return self._call("GET", f"/interviews/{interview_id}", headers=_in(workspace_id))

    def interview_report(self, workspace_id: str, interview_id: int) -> dict[str, Any]:
        return self._call("GET", f"/analysis/report/{interview_id}", headers=_in(workspace_id))

    def analyse_interview(self, workspace_id: str, interview_id: int) -> dict[str, Any]:
        """Start (or re-run) the analysis; the job as it stands after the call."""
        return self._call(
            "POST", f"/analysis/interview-report/{interview_id}", headers=_in(workspace_id)
        )

    def analysis_job(self, workspace_id: str, job_id: int) -> dict[str, Any]:
        return self._call("GET", f"/analysis/jobs/{job_id}", headers=_in(workspace_id))

    def render_report_pdf(self, workspace_id: str, interview_id: int) -> dict[str, Any]:
        # Rendering runs a headless browser: allow it more than the usual timeout.
        return self._call(
            "POST", f"/analysis/generate-pdf/{interview_id}", headers=_in(workspace_id),
            timeout=120,
        )  # fmt: skip

    def report_pdf(self, workspace_id: str, interview_id: int) -> bytes:
        return self._bytes("GET", f"/analysis/pdf-report/{interview_id}", headers=_in(workspace_id))

    def analytics_extract(self, workspace_id: str, table: str) -> bytes:
        """One table of the workspace's analytics extract, as Parquet bytes."""
        return self._bytes(
            "GET", "/analytics/extract", params={"table": table}, headers=_in(workspace_id)
        )

    # ---- job boards: saved searches and the leads they find ----

    def board_searches(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._call("GET", "/integrations/boards/searches", headers=_in(workspace_id))

    def board_search_add(
        self, workspace_id: str, board: str, query: str, location: str | None, max_results: int
    ) -> dict[str, Any]:
        body = {"board": board, "query": query, "location": location, "max_results": max_results}
        return self._call("POST", "/integrations/boards/searches", json=body,
                          headers=_in(workspace_id))  # fmt: skip

    def board_search_enable(self, workspace_id: str, search_id: int, enabled: bool) -> None:
        self._call("PATCH", f"/integrations/boards/searches/{search_id}",
                   json={"enabled": enabled}, headers=_in(workspace_id))  # fmt: skip

    def board_search_delete(self, workspace_id: str, search_id: int) -> None:
        self._call("DELETE", f"/integrations/boards/searches/{search_id}",
                   headers=_in(workspace_id))  # fmt: skip

    def board_search_run(self, workspace_id: str, search_id: int) -> dict[str, Any]:
        # An inline run (tools, tests) reads the board in the request; the product's is a task.
        return self._call("POST", f"/integrations/boards/searches/{search_id}/run",
                          headers=_in(workspace_id), timeout=600)  # fmt: skip

    def board_leads(self, workspace_id: str, source: str | None = None) -> list[dict[str, Any]]:
        params = {"source": source} if source else {}
        return self._call("GET", "/integrations/boards/leads", params=params,
                          headers=_in(workspace_id))  # fmt: skip

    # ---- leads: the CRM of vacancies the workspace answers, and its lead-gen settings ----

    def leads(self, workspace_id: str, **filters: Any) -> list[dict[str, Any]]:
        """The workspace's leads, newest first (filters: status, source, owner_user_id,
        min_score, q, limit, offset; empty ones are left out)."""
        params = {k: v for k, v in filters.items() if v is not None and v != ""}
        return self._call("GET", "/leads", params=params, headers=_in(workspace_id))

    def lead_counts(self, workspace_id: str) -> dict[str, int]:
        return self._call("GET", "/leads/counts", headers=_in(workspace_id))

    def lead(self, workspace_id: str, lead_id: int) -> dict[str, Any]:
        """One lead with analysis, fit, bench matches, response, meetings and history."""
        return self._call("GET", f"/leads/{lead_id}", headers=_in(workspace_id))

    def update_lead(self, workspace_id: str, lead_id: int, **fields: Any) -> dict[str, Any]:
        """Move (status + reason), give an owner (0: nobody) or rate (quality) a lead."""
        return self._call("PATCH", f"/leads/{lead_id}", json=fields, headers=_in(workspace_id))

    def lead_note(self, workspace_id: str, lead_id: int, text: str) -> dict[str, Any]:
        return self._call("POST", f"/leads/{lead_id}/notes", json={"text": text},
                          headers=_in(workspace_id))  # fmt: skip

    def lead_reply(self, workspace_id: str, lead_id: int, text: str) -> dict[str, Any]:
        """Log a reply that came another way; the lead moves to replied."""
        return self._call("POST", f"/leads/{lead_id}/replies", json={"text": text},
                          headers=_in(workspace_id))  # fmt: skip

    def draft_lead_response(self, workspace_id: str, lead_id: int) -> dict[str, Any]:
        # Drafting may call the LLM: allow it more than the usual timeout.
        return self._call("POST", f"/leads/{lead_id}/response", headers=_in(workspace_id),
                          timeout=120)  # fmt: skip

    def edit_lead_response(
        self,
        workspace_id: str,
        lead_id: int,
        subject: str,
        body: str,
        recipient: str | None = None,
    ) -> dict[str, Any]:
        sent: dict[str, Any] = {"subject": subject, "body": body}
        if recipient:
            sent["recipient"] = recipient
        return self._call("PUT", f"/leads/{lead_id}/response", json=sent,
                          headers=_in(workspace_id))  # fmt: skip

    def approve_lead_response(self, workspace_id: str, lead_id: int) -> dict[str, Any]:
        return self._call("POST", f"/leads/{lead_id}/response/approve", headers=_in(workspace_id))

    def send_lead_response(self, workspace_id: str, lead_id: int) -> dict[str, Any]:
        return self._call("POST", f"/leads/{lead_id}/response/send", headers=_in(workspace_id))

    def process_leads(self, workspace_id: str) -> dict[str, Any]:
        """Analyse, score and draft for every lead still waiting (a worker does it)."""
        return self._call("POST", "/leads/process", headers=_in(workspace_id), timeout=120)

    def lead_report(
        self, workspace_id: str, since: str | None = None, until: str | None = None
    ) -> dict[str, Any]:
        params = {k: v for k, v in (("since", since), ("until", until)) if v}
        return self._call("GET", "/leads/report", params=params, headers=_in(workspace_id))

    def leadgen_profile(self, workspace_id: str) -> dict[str, Any]:
        return self._call("GET", "/leads/setup/profile", headers=_in(workspace_id))

    def save_leadgen_profile(self, workspace_id: str, profile: dict[str, Any]) -> dict[str, Any]:
        """Save the profile as a whole (what the workspace sells, thresholds, caps)."""
        return self._call("PUT", "/leads/setup/profile", json=profile, headers=_in(workspace_id))

    def set_calendly(self, workspace_id: str, token: str, signing_key: str) -> dict[str, Any]:
        """Subscribe Calendly's webhooks with the token, then keep both secrets (never shown
        again); the profile after the change."""
        return self._call("PUT", "/leads/setup/calendly",
                          json={"token": token, "signing_key": signing_key},
                          headers=_in(workspace_id), timeout=60)  # fmt: skip

    def forget_calendly(self, workspace_id: str) -> dict[str, Any]:
        return self._call("DELETE", "/leads/setup/calendly", headers=_in(workspace_id))

    def board_session(self, workspace_id: str, board: str) -> dict[str, Any]:
        """Whether the workspace's session on `board` (djinni, linkedin) is saved and works
        (never its cookies)."""
        return self._call("GET", f"/leads/setup/{board}", headers=_in(workspace_id))

    def save_board_session(self, workspace_id: str, board: str, cookies: str) -> dict[str, Any]:
        return self._call("PUT", f"/leads/setup/{board}", json={"cookies": cookies},
                          headers=_in(workspace_id), timeout=60)  # fmt: skip

    def forget_board_session(self, workspace_id: str, board: str) -> dict[str, Any]:
        return self._call("DELETE", f"/leads/setup/{board}", headers=_in(workspace_id))

    def bench(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._call("GET", "/leads/setup/bench", headers=_in(workspace_id))

    def put_bench(self, workspace_id: str, candidate_id: int, **fields: Any) -> dict[str, Any]:
        """Put a candidate on the bench or change their headline, rate, date or note."""
        return self._call("PUT", f"/leads/setup/bench/{candidate_id}", json=fields,
                          headers=_in(workspace_id))  # fmt: skip

    def remove_bench(self, workspace_id: str, candidate_id: int) -> None:
        self._send("DELETE", f"/leads/setup/bench/{candidate_id}", headers=_in(workspace_id))

    def lead_variants(
        self, workspace_id: str, include_retired: bool = False
    ) -> list[dict[str, Any]]:
        params = {"include_retired": "true"} if include_retired else {}
        return self._call("GET", "/leads/setup/variants", params=params,
                          headers=_in(workspace_id))  # fmt: skip

    def create_lead_variant(
        self, workspace_id: str, name: str, instructions: str, share: float
    ) -> dict[str, Any]:
        body = {"name": name, "instructions": instructions, "share": share}
        return self._call("POST", "/leads/setup/variants", json=body, headers=_in(workspace_id))

    def update_lead_variant(
        self, workspace_id: str, variant_id: int, **fields: Any
    ) -> dict[str, Any]:
        """New instructions (a new version), a share, or `retired=True`."""
        return self._call("PATCH", f"/leads/setup/variants/{variant_id}", json=fields,
                          headers=_in(workspace_id))  # fmt: skip


def _in(workspace_id: str) -> dict[str, str]:
    """The header that scopes a call to one workspace."""
    return {"X-Workspace-Id": workspace_id}
