"""E-mail over SMTP (STARTTLS, SSL or plain), one connection per message.

Item payload: {"to": "a@b" | ["a@b", ...], "subject": "...", "text": "...", "html": "..."?,
"reply_to": "..."?}. The `Message-ID` is derived from the workspace and the idempotency key,
so the repeat a crash may cause is the same message to mail clients (which thread and dedupe
by it). SMTP 5xx answers are final, 4xx and connection errors are retried; the password never
reaches logs or stored errors.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Literal

from db.outbox import OutboxItem
from db.settings import Settings
from pipelines.outbox.channels.base import Channel
from pipelines.outbox.errors import DeliveryError

Security = Literal["starttls", "ssl", "plain"]
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "plain": 25}
IDEMPOTENCY_HEADER = "X-Selectio-Idempotency-Key"


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send; `ssl_context` None means the system's trusted CAs."""

    host: str
    sender: str
    port: int | None = None
    security: Security = "starttls"
    user: str | None = None
    password: str | None = None
    timeout_s: float = 20.0
    ssl_context: ssl.SSLContext | None = None

    def __repr__(self) -> str:  # the password stays out of logs and tracebacks
        return f"SmtpConfig(host={self.host!r}, port={self.port}, security={self.security!r})"

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """The configuration from `SELECTIO_SMTP_*`, or None when no host or sender is set."""
        if not settings.smtp_host or not settings.smtp_from:
            return None
        password = settings.smtp_password
        return cls(
            host=settings.smtp_host,
            sender=settings.smtp_from,
            port=settings.smtp_port,
            security=settings.smtp_security,
            user=settings.smtp_user,
            password=password.get_secret_value() if password else None,
            timeout_s=settings.smtp_timeout_s,
        )


def message_id(item: OutboxItem, sender: str) -> str:
    """A Message-ID that is the same for every attempt of the item, in the sender's domain."""
    digest = hashlib.sha256(f"{item.workspace_id}:{item.idempotency_key}".encode()).hexdigest()
    domain = parseaddr(sender)[1].rpartition("@")[2] or "selectio.local"
    return f"<{digest[:40]}@{domain}>"


def build_message(item: OutboxItem, sender: str) -> EmailMessage:
    """The e-mail of an item; a payload that cannot make one is a final `DeliveryError`."""
    p = item.payload
    to = [p["to"]] if isinstance(p.get("to"), str) else p.get("to")
    if not to or not all(isinstance(a, str) and "@" in a for a in to):
        raise DeliveryError("an e-mail item needs 'to' addresses", retryable=False)
    if not isinstance(p.get("subject"), str) or not isinstance(p.get("text"), str):
        raise DeliveryError("an e-mail item needs 'subject' and 'text'", retryable=False)
    msg = EmailMessage()
    msg["From"] = sender if "<" in sender else formataddr(("Selectio", sender))
    msg["To"] = ", ".join(to)
    msg["Subject"] = p["subject"]
    msg["Message-ID"] = message_id(item, sender)
    msg[IDEMPOTENCY_HEADER] = item.idempotency_key
    if isinstance(p.get("reply_to"), str):
        msg["Reply-To"] = p["reply_to"]
    msg.set_content(p["text"])
    if isinstance(p.get("html"), str):
        msg.add_alternative(p["html"], subtype="html")
    return msg


def _final(code: int) -> bool:
    # 5xx is final, except authentication (535, 530): an operator fixes the settings and the
    # queued mail should still go.
    return 500 <= code < 600 and code not in (530, 535)


class EmailChannel(Channel):
    """Sends outbox items as e-mail through one SMTP server."""

    name = "email"

    def __init__(self, config: SmtpConfig | None) -> None:
        self.config = config
        self.timeout_s = config.timeout_s if config else 1.0

    def deliver(self, item: OutboxItem) -> str | None:
        """Send the message; its Message-ID is the receiver's id."""
        if self.config is None:
            raise DeliveryError(
                "e-mail is not configured (SELECTIO_SMTP_HOST, _FROM)", retryable=False
            )
        msg = build_message(item, self.config.sender)
        try:
            with self._connect() as smtp:
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _ in e.recipients.values()]
            raise DeliveryError(
                f"SMTP refused the recipients ({', '.join(map(str, codes))})",
                retryable=not all(_final(c) for c in codes),
            ) from e
        except smtplib.SMTPResponseException as e:
            text = e.smtp_error.decode(errors="replace")[:200] if e.smtp_error else ""
            raise DeliveryError(
                f"SMTP {e.smtp_code} {text}".strip(), retryable=not _final(e.smtp_code)
            ) from e
        except (smtplib.SMTPException, OSError) as e:
            raise DeliveryError(f"SMTP connection failed ({type(e).__name__})") from e
        return msg["Message-ID"]

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        assert c is not None
        port = c.port or _DEFAULT_PORTS[c.security]
        context = c.ssl_context or ssl.create_default_context()
        if c.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                c.host, port, timeout=c.timeout_s, context=context
            )
        else:
            smtp = smtplib.SMTP(c.host, port, timeout=c.timeout_s)
        try:
            if c.security == "starttls":
                smtp.starttls(context=context)
            if c.user:
                smtp.login(c.user, c.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp
