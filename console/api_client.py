"""The console's HTTP client of the Selectio API (the console never touches the database)."""

from __future__ import annotations

import os
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


class ApiClient:
    """Typed-enough wrappers over the REST endpoints the console uses."""

    def __init__(self, base_url: str, token: str | None = None, timeout_s: float = 15.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=f"{base_url}/api/v1", headers=headers, timeout=timeout_s)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as e:
            raise ApiFailure(
                0, "api_unreachable", f"the API is not reachable ({type(e).__name__})"
            ) from e
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
                raise ApiFailure(response.status_code, error["code"], error["message"])
            except (ValueError, KeyError, TypeError):
                raise ApiFailure(response.status_code, "http_error", response.text[:200]) from None
        return response.json() if response.content else None

    def login(self, email: str, password: str) -> dict[str, Any]:
        return self._call("POST", "/auth/login", json={"email": email, "password": password})

    def me(self) -> dict[str, Any]:
        return self._call("GET", "/me")

    def vacancies(self, workspace_id: str, status: str | None = None) -> list[dict[str, Any]]:
        params = {"status": status} if status else {}
        return self._call("GET", f"/workspaces/{workspace_id}/vacancies", params=params)

    def candidates(self, workspace_id: str, query: str | None = None) -> list[dict[str, Any]]:
        params = {"q": query} if query else {}
        return self._call("GET", f"/workspaces/{workspace_id}/candidates", params=params)

    def members(self, workspace_id: str) -> list[dict[str, Any]]:
        return self._call("GET", f"/workspaces/{workspace_id}/members")

    def ranking(self, workspace_id: str, vacancy_id: int) -> list[dict[str, Any]]:
        return self._call(
            "GET",
            f"/vacancies/{vacancy_id}/ranking",
            headers={"X-Workspace-Id": workspace_id},
        )

    def create_vacancy(self, workspace_id: str, **fields: Any) -> dict[str, Any]:
        return self._call("POST", f"/workspaces/{workspace_id}/vacancies", json=fields)
