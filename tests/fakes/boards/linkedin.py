"""The signed-in side of a fake LinkedIn: job pages with or without a hiring team to message,
a conversation per poster that records every message (and refuses nothing, as LinkedIn lets a
member write twice), and the authwall for a dead or missing `li_at` cookie.

    token = site.linkedin.open_session()       # a live li_at, as after signing in
    site.linkedin.messages                     # every message taken, in order
    site.linkedin.expire_sessions()            # every li_at is dead from now on

Markup follows scraper/browser/linkedin_message.py's selectors: the hiring team
`.job-details-people-who-can-help__section--two-pane` with `.hirer-card__hirer-information` and a
`button[aria-label="Message <name>"]` that shows the conversation
`.msg-overlay-conversation-bubble` (earlier messages in `.msg-s-event-listitem__body`, the
editor `.msg-form__contenteditable`, `.msg-form__send-button`). The form posts to
`/messaging/send/` and comes back to the job page, where the conversation shows the message.
"""

from __future__ import annotations

import html
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from urllib.parse import quote, urlsplit

from tests.fakes.boards.djinni import html_page

COOKIE = "li_at"
MEMBER = "olga-staffing"


@dataclass(frozen=True)
class FakePoster:
    name: str
    slug: str
    title: str


@dataclass(frozen=True)
class FakeJob:
    id: str
    title: str
    company: str
    poster: FakePoster | None

    @property
    def path(self) -> str:
        return f"/jobs/view/{self.id}/"


JOBS = (
    FakeJob(
        "3901000001",
        "Senior Python Engineer",
        "Acme Robotics",
        FakePoster("Jane Doe", "jane-doe-cto", "CTO at Acme Robotics"),
    ),  # fmt: skip
    FakeJob(
        "3901000002",
        "Data Platform Lead",
        "Globex",
        FakePoster("Raj Patel", "raj-patel-talent", "Talent Partner at Globex"),
    ),  # fmt: skip
    FakeJob("3901000003", "Backend Developer (Go)", "Initech", None),
)


@dataclass(frozen=True)
class Answer:
    """What the fake site answers: a page, or a redirect to `location`."""

    status: int
    body: str = ""
    location: str | None = None


@dataclass(frozen=True)
class SentMessage:
    """One message: from which member, to which poster, on which job's page, what text."""

    member: str
    poster: str
    job_id: str
    text: str
    at: datetime


class LinkedInAccounts:
    """Sessions and conversations of the fake LinkedIn (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, str] = {}
        self.messages: list[SentMessage] = []

    def open_session(self, member: str = MEMBER) -> str:
        """A live `li_at`, as after signing in."""
        token = "AQED" + secrets.token_hex(16)
        with self._lock:
            self._sessions[token] = member
        return token

    def expire_sessions(self) -> None:
        with self._lock:
            self._sessions.clear()

    def member(self, cookie_header: str | None) -> str | None:
        """The member the request's `li_at` signs in, if any."""
        cookie = SimpleCookie(cookie_header or "")
        token = cookie[COOKIE].value if COOKIE in cookie else None
        with self._lock:
            return self._sessions.get(token or "")

    def job(self, path: str) -> FakeJob | None:
        return next((j for j in JOBS if path.rstrip("/") == j.path.rstrip("/")), None)

    def send(self, member: str, job: FakeJob, text: str) -> SentMessage | None:
        """Record a message to the job's poster; None when the job has none."""
        if job.poster is None or not text.strip():
            return None
        text = text.replace("\r\n", "\n").strip()  # a form posts line breaks as CRLF
        sent = SentMessage(member, job.poster.slug, job.id, text, datetime.now(UTC))
        with self._lock:
            self.messages.append(sent)
        return sent

    def to(self, poster_slug: str) -> list[SentMessage]:
        with self._lock:
            return [m for m in self.messages if m.poster == poster_slug]

    # ---- requests (tests/fakes/boards/site.py hands LinkedIn's paths here) -------------------

    def get(self, target: str, cookie_header: str | None) -> Answer | None:
        """A GET of LinkedIn's, or None when the path is not LinkedIn's."""
        path = urlsplit(target).path
        if path.startswith("/authwall"):
            return Answer(200, authwall_page())
        if not path.startswith("/jobs/view/"):
            return None
        member = self.member(cookie_header)
        if member is None:  # LinkedIn sends a dead or missing session to its authwall
            return Answer(302, location=f"/authwall?sessionRedirect={quote(target, safe='')}")
        job = self.job(path)
        if job is None:
            return Answer(404, html_page("Page not found | LinkedIn", "<h1>404</h1>"))
        return Answer(200, self.job_page(job, member))

    def post(
        self, path: str, form: dict[str, list[str]], cookie_header: str | None
    ) -> Answer | None:
        """A POST of LinkedIn's (the message form), or None when the path is not LinkedIn's."""
        if path != "/messaging/send/":
            return None
        member = self.member(cookie_header)
        if member is None:
            return Answer(302, location="/authwall")
        job = self.job(f"/jobs/view/{form.get('job', [''])[0]}/")
        if job is None or self.send(member, job, form.get("body", [""])[0]) is None:
            return Answer(400, html_page("Messaging | LinkedIn", "<p>Nothing was sent.</p>"))
        return Answer(303, location=job.path)

    # ---- pages -------------------------------------------------------------------------------

    def job_page(self, job: FakeJob, member: str) -> str:
        """The job as a signed-in member sees it: the description, the hiring team if any."""
        team = self._team(job, member) if job.poster is not None else ""
        body = f"""
<div class="jobs-details">
  <h1 class="job-details-jobs-unified-top-card__job-title">{html.escape(job.title)}</h1>
  <div class="job-details-jobs-unified-top-card__company-name">
    <a href="/company/{job.company.lower().replace(" ", "-")}/">{html.escape(job.company)}</a>
  </div>
  <div id="job-details" class="jobs-description__content">
    <h2>About the job</h2>
    <p>We are looking for an engineer to join our team and build the next platform.</p>
  </div>
  {team}
</div>"""
        return html_page(f"{job.title} | {job.company} | LinkedIn", body)

    def _team(self, job: FakeJob, member: str) -> str:
        poster = job.poster
        assert poster is not None
        with self._lock:
            earlier = [m for m in self.messages if m.member == member and m.poster == poster.slug]
        items = "".join(
            f'<li class="msg-s-event-listitem"><p class="msg-s-event-listitem__body">'
            f"{html.escape(m.text)}</p></li>"
            for m in earlier
        )
        name = html.escape(poster.name)
        return f"""
<div class="job-details-people-who-can-help__section--two-pane">
  <h2>Meet the hiring team</h2>
  <div class="hirer-card__hirer-information">
    <a class="app-aware-link" href="/in/{poster.slug}/"><strong>{name}</strong></a>
    <div class="hirer-card__hirer-job-title">{html.escape(poster.title)}</div>
  </div>
  <button type="button" class="artdeco-button artdeco-button--secondary entry-point"
    aria-label="Message {name}"
    onclick="document.querySelector('.msg-overlay-conversation-bubble').hidden = false">
    Message</button>
</div>
<aside class="msg-overlay-conversation-bubble" aria-label="Conversation with {name}"
  {"" if earlier else "hidden"}>
  <ul class="msg-s-message-list-content">{items}</ul>
  <form class="msg-form" method="post" action="/messaging/send/"
    onsubmit="this.body.value = this.querySelector('.msg-form__contenteditable').innerText">
    <input type="hidden" name="job" value="{job.id}">
    <input type="hidden" name="body" value="">
    <div class="msg-form__contenteditable" contenteditable="true" role="textbox"
      aria-label="Write a message…"></div>
    <button type="submit" class="msg-form__send-button artdeco-button">Send</button>
  </form>
</aside>"""


def authwall_page() -> str:
    return html_page(
        "Sign Up | LinkedIn",
        """
<div class="authwall-join-form">
  <h1>Join LinkedIn</h1>
  <form class="login__form" method="post" action="/uas/login-submit">
    <input id="session_key" name="session_key" type="text">
    <input id="session_password" name="session_password" type="password">
    <button type="submit">Sign in</button>
  </form>
</div>""",
    )
