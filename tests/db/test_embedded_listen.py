"""The embedded server serving the other machines of a cluster (SELECTIO_DATABASE_LISTEN): a
server running Unix-only from an earlier start is restarted to listen on TCP; other machines get
in as the application role only, with its password; a busy port or bad TLS files fail with a
stable code before the running server is touched. pgserver's PostgreSQL has no TLS, which is
refused clearly; the TLS path itself runs on Debian's PostgreSQL (built with OpenSSL)."""

from __future__ import annotations

import datetime
import ipaddress
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from db.bootstrap import PreparedDatabase, prepare_database
from db.embedded import EmbeddedPostgres
from db.errors import (
    DatabaseListenInvalid,
    DatabasePortBusy,
    DatabaseTlsInvalid,
    DatabaseTlsKeyInsecure,
    DatabaseTlsUnsupported,
)
from db.listen import ListenSpec, cluster_database_urls, listen_spec, parse_listen, read_tls
from db.roles import derive_app_password, ensure_app_role
from db.settings import Settings
from tests.pg_external import ssl_capable_debian_binaries


def this_machines_address() -> str:
    """A non-loopback IPv4 address of this machine (so TLS-only rules apply), else loopback."""
    candidates: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.123", 9))  # no packet is sent: this picks the route
            candidates.append(probe.getsockname()[0])
    except OSError:
        pass
    try:
        candidates += [
            i[4][0] for i in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        ]
    except OSError:
        pass
    for address in candidates:
        if not ipaddress.ip_address(address).is_loopback:
            try:
                with socket.socket() as sock:
                    sock.bind((address, 0))
                return address
            except OSError:
                continue
    return "127.0.0.1"


def free_port(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


def write_certificate(folder: Path, address: str, name: str = "server") -> tuple[Path, Path]:
    """A self-signed certificate for `address` and its key (mode 0600)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, address)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(address))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Head:
    settings: Settings
    prepared: PreparedDatabase
    address: str

    @property
    def remote(self) -> bool:
        return not ipaddress.ip_address(self.address).is_loopback


def _postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().split()[0])


@pytest.fixture(scope="module")
def head(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Head]:
    home = tmp_path_factory.mktemp("head")
    address = this_machines_address()
    # An earlier `selectio up` without the cluster settings: the server runs Unix-only.
    earlier = EmbeddedPostgres(home / "pgdata")
    earlier.start()
    settings = Settings(
        home=home, secret_key="listen-secret-" + "q" * 32, _env_file=None,
        database_listen=f"{address}:{free_port(address)}",
    )  # fmt: skip
    prepared = prepare_database(settings)
    yield Head(settings=settings, prepared=prepared, address=address)
    prepared.close()
    earlier.stop()
    shutil.rmtree(home, ignore_errors=True)


def test_a_unix_only_server_is_restarted_to_serve_the_cluster(head: Head) -> None:
    pgdata = head.settings.pgdata
    options = (pgdata / "postmaster.opts").read_text()
    assert f'"-h" "{head.address}"' in options
    hba = (pgdata / "pg_hba.conf").read_text()
    assert 'host    all   "selectio_app"   0.0.0.0/0' in hba
    assert "all   all   0.0.0.0/0" not in hba and "trust" not in hba


def test_other_machines_connect_as_the_app_role_with_its_password(head: Head) -> None:
    urls = cluster_database_urls(head.settings)
    params = conninfo_to_dict(urls.app_url)
    assert params["host"] == head.address and "sslmode" not in params
    assert "password" not in conninfo_to_dict(urls.shown)
    assert params["password"] not in urls.shown and params["password"] not in repr(urls)
    with psycopg.connect(urls.app_url, connect_timeout=5) as conn:
        row = conn.execute("select current_user, inet_server_addr()::text").fetchone()
    assert row is not None and row[0] == head.settings.db_app_role
    assert row[1].split("/")[0] == head.address


def test_a_wrong_password_and_the_superuser_are_refused_over_tcp(head: Head) -> None:
    app_url = cluster_database_urls(head.settings).app_url
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(make_conninfo(app_url, password="not-the-password"), connect_timeout=5)
    assert head.remote, "this test needs a non-loopback address (loopback lets the superuser in)"
    superuser = make_conninfo(app_url, user="postgres", password=_superuser_password(head))
    with pytest.raises(psycopg.OperationalError, match="no pg_hba.conf entry"):
        psycopg.connect(superuser, connect_timeout=5)


def _superuser_password(head: Head) -> str:
    return EmbeddedPostgres(head.settings.pgdata).password_file.read_text().strip()


def test_another_process_with_the_same_settings_joins_without_a_restart(head: Head) -> None:
    pgdata = head.settings.pgdata
    before = _postmaster_pid(pgdata)
    script = (
        "import sys; from db.settings import Settings; from db.listen import listen_spec; "
        "from db.embedded import EmbeddedPostgres; import psycopg\n"
        "s = Settings(_env_file=None)\n"
        "uri = EmbeddedPostgres(s.pgdata, listen=listen_spec(s)).start()\n"
        "psycopg.connect(uri).close()\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "SELECTIO_HOME": str(head.settings.home),
        "SELECTIO_DATABASE_LISTEN": head.settings.database_listen,
    }
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    assert _postmaster_pid(pgdata) == before


def test_a_busy_port_fails_clearly_and_the_server_keeps_serving(head: Head) -> None:
    pgdata = head.settings.pgdata
    before = _postmaster_pid(pgdata)
    with socket.socket() as taken:
        taken.bind((head.address, 0))
        taken.listen()
        busy = head.settings.model_copy(
            update={"database_listen": f"{head.address}:{taken.getsockname()[1]}"}
        )
        with pytest.raises(DatabasePortBusy) as caught:
            EmbeddedPostgres(pgdata, listen=listen_spec(busy)).start()
    assert caught.value.code == "database_port_busy"
    assert _postmaster_pid(pgdata) == before
    with psycopg.connect(cluster_database_urls(head.settings).app_url, connect_timeout=5) as conn:
        conn.execute("select 1")


def test_tls_on_pgservers_build_is_refused_before_the_server_is_touched(
    head: Head, tmp_path: Path
) -> None:
    pgdata = head.settings.pgdata
    before = _postmaster_pid(pgdata)
    cert, key = write_certificate(tmp_path, head.address)
    with_tls = head.settings.model_copy(update={"database_tls_cert": cert, "database_tls_key": key})
    with pytest.raises(DatabaseTlsUnsupported) as caught:
        EmbeddedPostgres(pgdata, listen=listen_spec(with_tls)).start()
    assert caught.value.code == "database_tls_unsupported"
    assert _postmaster_pid(pgdata) == before


def test_tls_with_a_postgresql_built_with_openssl(tmp_path: Path) -> None:
    """The same start path on Debian's PostgreSQL (no pgvector needed for this): TLS with the
    given certificate, verified by the URL the other machines get, and TCP without TLS refused
    from anywhere but loopback."""
    debian = ssl_capable_debian_binaries()
    assert debian is not None, "no Debian PostgreSQL here: `make test` installs it"
    address = this_machines_address()
    cert, key = write_certificate(tmp_path / "tls", address)
    settings = Settings(
        home=tmp_path / "home", secret_key="tls-secret-" + "t" * 32, _env_file=None,
        database_listen=f"{address}:{free_port(address)}",
        database_tls_cert=cert, database_tls_key=key, database_tls_ca=cert,
    )  # fmt: skip
    server = EmbeddedPostgres(
        settings.pgdata, listen=listen_spec(settings), bin_path=debian.bin_dir, delete_on_exit=True
    )
    admin_url = server.start()
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            password = derive_app_password(settings.resolved_secret_key(), settings.db_app_role)
            ensure_app_role(conn, role=settings.db_app_role, password=password)
        hba = (settings.pgdata / "pg_hba.conf").read_text()
        assert 'hostssl all   "selectio_app"   0.0.0.0/0' in hba
        urls = cluster_database_urls(settings)
        assert conninfo_to_dict(urls.app_url)["sslmode"] == "verify-full"
        with psycopg.connect(urls.app_url, connect_timeout=5) as conn:
            row = conn.execute(
                "select current_user, ssl from pg_stat_ssl where pid = pg_backend_pid()"
            ).fetchone()
        assert row == (settings.db_app_role, True)
        if not ipaddress.ip_address(address).is_loopback:
            with pytest.raises(psycopg.OperationalError, match="no pg_hba.conf entry"):
                psycopg.connect(make_conninfo(urls.app_url, sslmode="disable"), connect_timeout=5)
    finally:
        server.stop()


def _spec(cert: Path | None, key: Path | None) -> ListenSpec:
    return ListenSpec(host="127.0.0.1", port=5432, app_role="a", tls_cert=cert, tls_key=key)


def test_tls_files_are_checked_before_anything_starts(tmp_path: Path) -> None:
    cert, key = write_certificate(tmp_path, "127.0.0.1")
    other_cert, other_key = write_certificate(tmp_path, "127.0.0.1", name="other")
    assert read_tls(_spec(cert, key)) is not None
    with pytest.raises(DatabaseTlsInvalid, match="cannot read"):
        read_tls(_spec(tmp_path / "missing.crt", key))
    with pytest.raises(DatabaseTlsInvalid, match="is not the key of"):
        read_tls(_spec(cert, other_key))
    (tmp_path / "junk.crt").write_text("not a certificate")
    with pytest.raises(DatabaseTlsInvalid, match="not a PEM certificate"):
        read_tls(_spec(tmp_path / "junk.crt", key))
    locked = tmp_path / "locked.key"
    locked.touch(mode=0o600)
    locked.write_bytes(
        serialization.load_pem_private_key(key.read_bytes(), None).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"passphrase"),
        )
    )
    with pytest.raises(DatabaseTlsInvalid, match="passphrase"):
        read_tls(_spec(cert, locked))
    key.chmod(0o644)
    with pytest.raises(DatabaseTlsKeyInsecure) as caught:
        read_tls(_spec(cert, key))
    assert caught.value.code == "database_tls_key_insecure"
    assert "chmod 600" in caught.value.message


def test_listen_settings_are_checked(tmp_path: Path) -> None:
    assert parse_listen("10.0.0.5") == ("10.0.0.5", 5432)
    assert parse_listen("10.0.0.5:6543") == ("10.0.0.5", 6543)
    assert parse_listen("[fd00::2]:6543") == ("fd00::2", 6543)
    assert parse_listen("fd00::2") == ("fd00::2", 5432)
    assert parse_listen("*:6543") == ("*", 6543)
    for bad in ("10.0.0.5:0", "10.0.0.5:http", "a b", "10.0.0.5,10.0.0.6", "[::1]x"):
        with pytest.raises(DatabaseListenInvalid):
            parse_listen(bad)
    base = Settings(home=tmp_path, secret_key="s" * 40, _env_file=None)
    assert listen_spec(base) is None
    with pytest.raises(DatabaseListenInvalid, match="DATABASE_LISTEN is not"):
        listen_spec(base.model_copy(update={"database_tls_cert": tmp_path / "c"}))
    with pytest.raises(DatabaseListenInvalid, match="both"):
        listen_spec(
            base.model_copy(update={"database_listen": "*", "database_tls_cert": tmp_path / "c"})
        )
    with pytest.raises(DatabaseListenInvalid, match="not a network"):
        listen_spec(base.model_copy(update={"database_listen": "*", "database_allow_from": "x"}))
    narrowed = listen_spec(
        base.model_copy(update={"database_listen": "*", "database_allow_from": "10.1.2.3/8"})
    )
    assert narrowed is not None and narrowed.allow_from == ("10.0.0.0/8",)
    with pytest.raises(DatabaseListenInvalid, match="Unix socket only"):
        cluster_database_urls(base)
    plain = cluster_database_urls(base.model_copy(update={"database_listen": "10.0.0.5"}))
    assert conninfo_to_dict(plain.app_url)["port"] == "5432"
    assert "sslmode" not in conninfo_to_dict(plain.app_url)
