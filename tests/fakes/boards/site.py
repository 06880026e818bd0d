"""A real HTTP server on 127.0.0.1 that looks like the parts of Djinni and HH the browser
scrapers read, so headless Chromium can run against it without the internet.

    with FakeBoards() as site:
        source = DjinniSource(context, Pacing.off(), base_url=site.base_url)
        ...
        assert site.paths() == [...]

Djinni: `/jobs/?page=N` lists `VACANCIES` three to a page with pagination links; each vacancy
page `/jobs/<id>-<slug>/` carries JSON-LD (in three shapes: a plain object, an `@graph`, an
array) when `FakeVacancy.jsonld` is set, else only Djinni-like markup with the same content.
`vacancy_page` renders either part alone, for parser tests.

Djinni signed in (djinni_account.py, `site.djinni`): `/login` (form POST, `DJINNI_LOGIN`, or
`site.djinni.open_session()`) sets the `sessionid` cookie; vacancy pages then carry the apply
form, whose POST to `<vacancy path>apply` records one application per account and vacancy; the
inbox `/my/inbox/` and its threads need the session and redirect to `/login` otherwise.

LinkedIn signed in (linkedin.py, `site.linkedin`): `/jobs/view/<id>/` with a live `li_at`
cookie shows the job and its hiring team's message form, which posts to `/messaging/send/`;
without one, a redirect to `/authwall`.

HH: `/account/login` shows a login form whose POST (`RECRUITER_LOGIN`) sets the `hhtoken`
cookie; `/employer/vacancyresponses?vacancyId=555` (two pages) and `/resume/<hash>` need a
live token and redirect to the login page otherwise. `expire_sessions()` ends every token,
as HH does when a session times out.
"""

from __future__ import annotations

import secrets
import threading
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from tests.fakes.boards.djinni import VACANCIES, html_page, listing_page, vacancy_page
from tests.fakes.boards.djinni_account import DjinniAccounts
from tests.fakes.boards.djinni_account import login_page as djinni_login_page
from tests.fakes.boards.hh import (
    HH_VACANCY_ID,
    RECRUITER_LOGIN,
    RESUMES,
    login_page,
    responses_page,
    resume_page,
)
from tests.fakes.boards.linkedin import Answer, LinkedInAccounts


class FakeBoards:
    """Djinni-like and HH-like pages on 127.0.0.1 (see the module docstring)."""

    def __init__(self) -> None:
        self._sessions: set[str] = set()
        self.djinni = DjinniAccounts()
        self.linkedin = LinkedInAccounts()
        self._lock = threading.Lock()
        self.requests: list[str] = []  # "GET /path?query", in order
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeBoards:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def open_session(self) -> str:
        """A live `hhtoken`, as after a successful login."""
        token = secrets.token_hex(16)
        with self._lock:
            self._sessions.add(token)
        return token

    def expire_sessions(self) -> None:
        """End every session: the next employer page redirects to the login page."""
        with self._lock:
            self._sessions.clear()

    def paths(self, prefix: str = "") -> list[str]:
        """Paths (with queries) of the GET requests so far that start with `prefix`."""
        with self._lock:
            return [r[4:] for r in self.requests if r.startswith(f"GET {prefix}")]

    def _signed_in(self, cookie_header: str | None) -> bool:
        cookie = SimpleCookie(cookie_header or "")
        token = cookie["hhtoken"].value if "hhtoken" in cookie else None
        with self._lock:
            return token in self._sessions

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path == "/favicon.ico":  # Chromium's own request; not the scraper's
                    return self._html(404, "")
                with site._lock:
                    site.requests.append(f"GET {self.path}")
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                if url.path == "/jobs/":
                    page = int(query.get("page", ["1"])[0])
                    return self._html(200, listing_page(page, query))
                djinni = site.djinni.account(self.headers.get("Cookie"))
                for v in VACANCIES:
                    if url.path == v.path:
                        apply = site.djinni.apply_block(v, djinni)
                        return self._html(
                            200, vacancy_page(v, jsonld=v.jsonld is not None, apply=apply)
                        )
                if url.path == "/login":
                    return self._html(200, djinni_login_page(query.get("next", ["/"])[0]))
                if url.path.startswith("/my/inbox/"):
                    return self._inbox(url.path, djinni)
                if (answer := site.linkedin.get(self.path, self.headers.get("Cookie"))) is not None:
                    return self._answer(answer)
                if url.path == "/account/login":
                    return self._html(200, login_page())
                if url.path.startswith(("/employer/", "/resume/")):
                    if not site._signed_in(self.headers.get("Cookie")):
                        back = quote(self.path, safe="")
                        return self._redirect(f"/account/login?backurl={back}")
                    return self._employer(url.path, query)
                return self._html(404, html_page("Not found", "<h1>404</h1>"))

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                with site._lock:
                    site.requests.append(f"POST {self.path}")
                path = urlsplit(self.path).path
                if path == "/login" or path.endswith("/apply"):
                    return self._djinni_post(path, form)
                answer = site.linkedin.post(path, form, self.headers.get("Cookie"))
                if answer is not None:
                    return self._answer(answer)
                given = (form.get("username", [""])[0], form.get("password", [""])[0])
                if path != "/account/login" or given != RECRUITER_LOGIN:
                    return self._html(403, login_page())
                token = site.open_session()
                back = parse_qs(urlsplit(self.headers.get("Referer") or "").query).get("backurl")
                self._redirect(
                    back[0] if back else "/employer/vacancies",
                    cookie=f"hhtoken={token}; Path=/; HttpOnly; SameSite=Lax",
                )

            def _inbox(self, path: str, account: str | None) -> None:
                if account is None:
                    return self._redirect(f"/login?next={quote(path, safe='')}")
                if path == "/my/inbox/":
                    return self._html(200, site.djinni.inbox_page(account))
                page = site.djinni.thread_page(account, path.split("/")[3])
                if page is None:
                    return self._html(404, html_page("Not found", "<h1>404</h1>"))
                return self._html(200, page)

            def _djinni_post(self, path: str, form: dict[str, list[str]]) -> None:
                if path == "/login":
                    token = site.djinni.login(form.get("email", [""])[0],
                                              form.get("password", [""])[0])  # fmt: skip
                    if token is None:
                        return self._html(403, djinni_login_page())
                    back = parse_qs(urlsplit(self.path).query).get("next", ["/my/inbox/"])[0]
                    return self._redirect(back, cookie=f"sessionid={token}; Path=/; HttpOnly")
                account = site.djinni.account(self.headers.get("Cookie"))
                vacancy = next((v for v in VACANCIES if path == f"{v.path}apply"), None)
                if vacancy is None:
                    return self._html(404, html_page("Not found", "<h1>404</h1>"))
                if account is None:
                    return self._redirect(f"/login?next={quote(vacancy.path, safe='')}")
                message = form.get("message", [""])[0].strip()
                if not message:
                    return self._html(400, html_page("Apply", "<p>Write a cover letter.</p>"))
                if site.djinni.apply(account, vacancy, message) is None:
                    text = "<p class='alert'>You have already applied for this job.</p>"
                    return self._html(409, html_page("Apply", text))
                return self._redirect(vacancy.path)

            def _employer(self, path: str, query: dict[str, list[str]]) -> None:
                if path == "/employer/vacancies":
                    return self._html(200, html_page("Вакансии", "<h1>Мои вакансии</h1>"))
                if path == "/employer/vacancyresponses" and query.get("vacancyId") == [
                    HH_VACANCY_ID
                ]:
                    return self._html(200, responses_page(int(query.get("page", ["0"])[0])))
                for r in RESUMES:
                    if path == f"/resume/{r.hash}":
                        return self._html(200, resume_page(r))
                return self._html(404, html_page("Not found", "<h1>404</h1>"))

            def _html(self, status: int, body: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _answer(self, answer: Answer) -> None:
                if answer.location is not None:
                    return self._redirect(answer.location, status=answer.status)
                return self._html(answer.status, answer.body)

            def _redirect(
                self, location: str, *, cookie: str | None = None, status: int = 302
            ) -> None:
                self.send_response(status)
                self.send_header("Location", location)
                if cookie:
                    self.send_header("Set-Cookie", cookie)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler
