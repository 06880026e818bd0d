"""The signed-in side of the fake Djinni: a login, an apply form per vacancy that records
applications (and refuses a second one, as Djinni does), and an inbox with one thread per
vacancy applied to, where recruiters' replies appear (`add_reply`).

    token = site.djinni.open_session()          # as after a successful login
    site.djinni.applications                    # every application taken, in order
    site.djinni.add_reply("101", "Let's talk")  # a recruiter answers in the vacancy's thread

Markup follows scraper/browser/djinni_apply.py's selectors: `.js-inbox-toggle-reply-form`
shows `#apply_form` (`textarea[name=message]`, a submit button); an applied vacancy shows
`.job-post__applied`; signed out, a "log in to apply" link to `/login`. The inbox `/my/inbox/`
lists `.inbox-thread` links (`data-thread-id`, `data-job-id`, `data-last-message-id`), a
thread `/my/inbox/<id>/` its `.inbox-message`s (`data-message-id`, `data-author`).
"""

from __future__ import annotations

import html
import itertools
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie

from tests.fakes.boards.djinni import FakeVacancy, html_page

DJINNI_LOGIN = ("sales@staffing.test", "djinni-pass-1")
COOKIE = "sessionid"


@dataclass(frozen=True)
class Application:
    """One application: whose, to which vacancy, with which letter."""

    id: int
    account: str
    vacancy_id: str
    message: str
    at: datetime


@dataclass(frozen=True)
class Message:
    id: str
    author: str  # "me" or "recruiter"
    text: str
    at: datetime


@dataclass
class Thread:
    id: str
    account: str
    vacancy: FakeVacancy
    messages: list[Message] = field(default_factory=list)


class DjinniAccounts:
    """Sessions, applications and threads of the fake Djinni (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, str] = {}
        self._ids = itertools.count(1)
        self.applications: list[Application] = []
        self.refused: list[tuple[str, str]] = []  # (account, vacancy id) applied to twice
        self.threads: dict[tuple[str, str], Thread] = {}

    def open_session(self, account: str = DJINNI_LOGIN[0]) -> str:
        """A live session token, as after a successful login."""
        token = secrets.token_hex(16)
        with self._lock:
            self._sessions[token] = account
        return token

    def expire_sessions(self) -> None:
        with self._lock:
            self._sessions.clear()

    def account(self, cookie_header: str | None) -> str | None:
        """The account the request's cookie signs in, if any."""
        cookie = SimpleCookie(cookie_header or "")
        token = cookie[COOKIE].value if COOKIE in cookie else None
        with self._lock:
            return self._sessions.get(token or "")

    def login(self, email: str, password: str) -> str | None:
        return self.open_session(email) if (email, password) == DJINNI_LOGIN else None

    def apply(self, account: str, vacancy: FakeVacancy, message: str) -> Application | None:
        """Record an application; None (and a refusal noted) when this account applied already."""
        key = (account, str(vacancy.id))
        with self._lock:
            if key in self.threads:
                self.refused.append(key)
                return None
            now = datetime.now(UTC)
            taken = Application(next(self._ids), account, str(vacancy.id), message, now)
            self.applications.append(taken)
            thread = Thread(str(5000 + taken.id), account, vacancy)
            thread.messages.append(Message(f"m{next(self._ids)}", "me", message, now))
            self.threads[key] = thread
        return taken

    def add_reply(self, vacancy_id: str, text: str, account: str = DJINNI_LOGIN[0]) -> str:
        """A recruiter answers in the vacancy's thread; the message's id."""
        with self._lock:
            thread = self.threads[(account, vacancy_id)]
            message = Message(f"m{next(self._ids)}", "recruiter", text, datetime.now(UTC))
            thread.messages.append(message)
        return message.id

    # ---- pages -------------------------------------------------------------------------------

    def apply_block(self, vacancy: FakeVacancy, account: str | None) -> str:
        """What the vacancy page shows under the description for this visitor."""
        if account is None:
            return (f'<div class="job-post__apply"><a class="btn" '
                    f'href="/login?next={vacancy.path}">Log in to apply</a></div>')  # fmt: skip
        with self._lock:
            applied = (account, str(vacancy.id)) in self.threads
        if applied:
            return ('<div class="job-post__applied alert alert-success" data-applied="true">'
                    'You applied for this job. <a href="/my/inbox/">Inbox</a></div>')  # fmt: skip
        return f"""
<div class="job-post__apply">
  <button type="button" class="btn btn-primary js-inbox-toggle-reply-form"
    onclick="document.getElementById('apply_form').hidden = false">Apply for the job</button>
  <form id="apply_form" method="post" action="{vacancy.path}apply" hidden>
    <label for="message">Cover letter</label>
    <textarea id="message" name="message" rows="8" required></textarea>
    <button type="submit" class="btn btn-primary js-inbox-send-btn">Send</button>
  </form>
</div>"""

    def inbox_page(self, account: str) -> str:
        with self._lock:
            mine = [t for (who, _), t in self.threads.items() if who == account]
            rows = "".join(
                f'<a class="inbox-thread" href="/my/inbox/{t.id}/" data-thread-id="{t.id}" '
                f'data-job-id="{t.vacancy.id}" data-last-message-id="{t.messages[-1].id}">'
                f"<b>{html.escape(t.vacancy.company)}</b> · {html.escape(t.vacancy.title)}</a>"
                for t in mine
            )
        return html_page("Inbox | Djinni", f'<div class="inbox-list">{rows}</div>')

    def thread_page(self, account: str, thread_id: str) -> str | None:
        with self._lock:
            thread = next((t for (who, _), t in self.threads.items()
                           if who == account and t.id == thread_id), None)  # fmt: skip
            if thread is None:
                return None
            items = "".join(
                f'<div class="inbox-message inbox-message--{m.author}" data-message-id="{m.id}" '
                f'data-author="{m.author}"><time datetime="{m.at.isoformat()}">'
                f'{m.at:%d.%m %H:%M}</time><div class="inbox-message__text">'
                f"{html.escape(m.text)}</div></div>"
                for m in thread.messages
            )
            job = thread.vacancy
        body = (f'<div class="inbox-thread-page" data-job-id="{job.id}"><h1>'
                f"{html.escape(job.title)}</h1>{items}</div>")  # fmt: skip
        return html_page("Inbox | Djinni", body)


def login_page(next_path: str = "/my/inbox/") -> str:
    return html_page(
        "Log in | Djinni",
        f"""
<form id="signin_form" method="post" action="/login?next={html.escape(next_path)}">
  <input name="email" type="email"><input name="password" type="password">
  <button type="submit">Log in</button>
</form>""",
    )
