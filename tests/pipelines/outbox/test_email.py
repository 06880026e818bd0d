"""The e-mail channel against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import ssl
import subprocess
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from psycopg_pool import ConnectionPool

from db import outbox
from db.outbox import OutboxItem
from db.pool import transaction
from db.settings import Settings
from pipelines.outbox import RetryPolicy, dispatch_due
from pipelines.outbox.channels.email import EmailChannel, SmtpConfig, message_id
from pipelines.outbox.errors import DeliveryError
from tests.db import factories
from tests.pipelines.outbox.receivers import SmtpRecorder, smtp_server

PAYLOAD = {"to": "anna@example.org", "subject": "Интервью", "text": "Ссылка", "html": "<b>Hi</b>"}


def _channel(port: int) -> dict:
    config = SmtpConfig(host="127.0.0.1", port=port, security="plain", sender="hr@acme.test")
    return {"email": EmailChannel(config)}


def _enqueue(pool: ConnectionPool, ws, key: str) -> None:
    with transaction(pool, workspace_id=ws) as conn:
        outbox.enqueue(
            conn, workspace_id=ws, kind="email.invite", idempotency_key=key, payload=PAYLOAD
        )


def test_mail_is_sent_with_a_stable_message_id_and_marked(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool).id
    recorder = SmtpRecorder()
    with smtp_server(recorder) as port:
        _enqueue(pool, ws, "invite:1")
        counts = dispatch_due(pool, _channel(port), workspace_id=ws)
    [raw] = recorder.messages
    msg = email.message_from_bytes(raw)
    with transaction(pool, workspace_id=ws) as conn:
        [item] = outbox.list_items(conn)
    assert counts.sent == 1 and item.status == "sent"
    assert msg["Message-ID"] == item.external_id == message_id(item, "hr@acme.test")
    assert msg["Message-ID"].endswith("@acme.test>")
    assert msg["X-Selectio-Idempotency-Key"] == "invite:1" and msg["To"] == "anna@example.org"
    assert str(email.header.make_header(email.header.decode_header(msg["Subject"]))) == "Интервью"


def test_a_killed_dispatcher_repeats_the_same_message_id_once(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool).id
    recorder = SmtpRecorder()
    with smtp_server(recorder) as port:
        channels = _channel(port)
        _enqueue(pool, ws, "invite:crash")
        with transaction(pool, workspace_id=ws) as conn:
            [item] = outbox.claim_due(conn, owner="dead", lease=timedelta(seconds=0.3))
        channels["email"].deliver(item)  # sent, then the dispatcher dies before the mark
        time.sleep(0.35)
        assert dispatch_due(pool, channels, workspace_id=ws).sent == 1
        assert dispatch_due(pool, channels, workspace_id=ws).claimed == 0
    ids = [email.message_from_bytes(m)["Message-ID"] for m in recorder.messages]
    assert len(ids) == 2 and ids[0] == ids[1]


def test_a_refusing_server_is_retried_then_the_item_fails(pool: ConnectionPool) -> None:
    ws = factories.workspace(pool).id
    policy = RetryPolicy(max_attempts=3, base_delay_s=0.02)
    failed = []
    with smtp_server(SmtpRecorder(refuse="451 4.3.0 Try again later")) as port:
        _enqueue(pool, ws, "invite:refused")
        retried = 0
        deadline = time.monotonic() + 10
        while not failed and time.monotonic() < deadline:
            counts = dispatch_due(
                pool, _channel(port), workspace_id=ws, policy=policy, on_failed=failed.append
            )
            retried += counts.retried
            time.sleep(0.01)
    [item] = failed
    assert retried == 2
    assert (item.status, item.attempts) == ("failed", 3)
    assert item.last_error == "SMTP refused the recipients (451)"


def test_a_permanent_refusal_fails_at_once() -> None:
    now = datetime.now(UTC)
    item = OutboxItem(
        id=1, workspace_id=uuid4(), kind="email", idempotency_key="k", payload=PAYLOAD,
        status="sending", attempts=1, available_at=now, last_error=None, external_id=None,
        sent_at=None, created_at=now, updated_at=now,
    )  # fmt: skip
    with smtp_server(SmtpRecorder(refuse="550 5.1.1 No such user")) as port:
        with pytest.raises(DeliveryError) as refused:
            _channel(port)["email"].deliver(item)
    assert refused.value.reason == "SMTP refused the recipients (550)"
    assert not refused.value.retryable


def test_settings_make_the_config_and_keep_the_password_out_of_repr() -> None:
    settings = Settings(
        smtp_host="mail.acme.test",
        smtp_from="hr@acme.test",
        smtp_user="hr",
        smtp_password="hunter2-very-secret",
        smtp_security="ssl",
        _env_file=None,
    )
    config = SmtpConfig.from_settings(settings)
    assert config is not None and config.password == "hunter2-very-secret"
    assert "hunter2" not in repr(config) and "hunter2" not in repr(settings)
    assert SmtpConfig.from_settings(Settings(_env_file=None)) is None


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (cert, key), made with openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class _Logins:
    """aiosmtpd's authenticator: accepts one user and remembers who signed in."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        from aiosmtpd.smtp import AuthResult

        user = auth_data.login.decode()
        ok = (user, auth_data.password.decode()) == ("hr", "s3cret")
        self.seen.append(user)
        return AuthResult(success=ok, handled=False)


# aiosmtpd warns about AUTH without STARTTLS; under implicit TLS that is what is wanted.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_encrypted_delivery_with_a_login(certificate, security: str) -> None:
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    recorder, logins = SmtpRecorder(), _Logins()
    options: dict = {"authenticator": logins, "auth_required": True}
    if security == "starttls":
        options |= {"tls_context": server_tls, "require_starttls": True}
    else:
        # Implicit TLS wraps the socket below aiosmtpd, which then does not know the session
        # is encrypted and would hide AUTH: tell it not to wait for STARTTLS.
        options |= {"server_hostname": "127.0.0.1", "ssl_context": server_tls,
                    "auth_require_tls": False}  # fmt: skip
    with smtp_server(recorder, **options) as port:
        config = SmtpConfig(
            host="127.0.0.1", port=port, security=security, sender="hr@acme.test",  # type: ignore[arg-type]
            user="hr", password="s3cret", ssl_context=ssl.create_default_context(cafile=cert),
        )  # fmt: skip
        item = _item("tls:1")
        sent_id = EmailChannel(config).deliver(item)
        wrong = SmtpConfig(**{**config.__dict__, "password": "nope"})
        with pytest.raises(DeliveryError):
            EmailChannel(wrong).deliver(_item("tls:2"))
    [raw] = recorder.messages
    assert email.message_from_bytes(raw)["Message-ID"] == sent_id
    assert logins.seen[0] == "hr"


def _item(key: str) -> OutboxItem:
    now = datetime.now(UTC)
    return OutboxItem(
        id=1, workspace_id=uuid4(), kind="email.invite", idempotency_key=key, payload=PAYLOAD,
        status="sending", attempts=1, available_at=now, last_error=None, external_id=None,
        sent_at=None, created_at=now, updated_at=now, lease_owner=None, lease_until=None,
    )  # fmt: skip
