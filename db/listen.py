"""How the embedded server serves the other machines of a cluster, and the URL they use.

By default the embedded server listens on a Unix socket only. With `SELECTIO_DATABASE_LISTEN`
it also listens on TCP, on that address and port. Other machines are let in as the application
role alone (never the superuser), from `SELECTIO_DATABASE_ALLOW_FROM` (any address by default),
with a password (scram-sha-256), and, with `SELECTIO_DATABASE_TLS_CERT`/`_KEY`, over TLS only;
loopback keeps working without TLS. Everything here is checked before the server is touched, so
a wrong setting is one clear error with a stable code and the running server is left alone.
"""

from __future__ import annotations

import errno
import ipaddress
import re
import socket
import stat
from dataclasses import dataclass, field
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from db.errors import (
    DatabaseListenInvalid,
    DatabasePortBusy,
    DatabaseTlsInvalid,
    DatabaseTlsKeyInsecure,
)
from db.roles import derive_app_password
from db.settings import Settings

DEFAULT_PORT = 5432
HBA_MARKER = "# selectio: every connection proves a password"
_LOCAL_HBA = f"""{HBA_MARKER} (scram-sha-256); written by db/embedded.py
local   all   all                  scram-sha-256
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
"""
_WILDCARDS = ("*", "0.0.0.0", "::")
_HOST = re.compile(r"[A-Za-z0-9.:_*-]+")


@dataclass(frozen=True)
class ListenSpec:
    """Where and how the embedded server serves other machines."""

    host: str
    port: int
    app_role: str
    allow_from: tuple[str, ...] = ("0.0.0.0/0", "::/0")
    tls_cert: Path | None = None
    tls_key: Path | None = None

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None


@dataclass(frozen=True)
class TlsFiles:
    """The certificate and key, read and checked, to be copied into the data folder."""

    cert_pem: bytes
    key_pem: bytes = field(repr=False)


@dataclass(frozen=True)
class ClusterDatabaseUrls:
    """What the other machines connect with: `app_url` (the application role, its password
    included: SELECTIO_APP_DATABASE_URL on each machine) and `shown`, the same without the
    password, for screens and logs."""

    app_url: str = field(repr=False)
    shown: str


def parse_listen(value: str) -> tuple[str, int]:
    """`address`, `address:port`, `[v6]:port` or a bare IPv6 address → (address, port)."""
    value = value.strip()
    port = DEFAULT_PORT
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise DatabaseListenInvalid(f"SELECTIO_DATABASE_LISTEN={value!r}: not [v6]:port")
            port = _port(value, rest[1:])
    elif value.count(":") == 1:
        host, _, text = value.partition(":")
        port = _port(value, text)
    else:
        host = value
    if not host or not _HOST.fullmatch(host) or ("*" in host and host != "*"):
        raise DatabaseListenInvalid(
            f"SELECTIO_DATABASE_LISTEN={value!r}: give one address of this machine (or *), "
            "optionally with :port"
        )
    return host, port


def _port(value: str, text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise DatabaseListenInvalid(f"SELECTIO_DATABASE_LISTEN={value!r}: the port is not 1-65535")
    return int(text)


def listen_spec(settings: Settings) -> ListenSpec | None:
    """The listening the settings ask of the embedded server (None: a Unix socket only)."""
    cert, key = settings.database_tls_cert, settings.database_tls_key
    if not settings.database_listen.strip():
        if cert is not None or key is not None:
            raise DatabaseListenInvalid(
                "SELECTIO_DATABASE_TLS_CERT/_KEY are set but SELECTIO_DATABASE_LISTEN is not: "
                "TLS is for other machines, which reach the server only when it listens on TCP"
            )
        return None
    if (cert is None) != (key is None):
        raise DatabaseListenInvalid(
            "set both SELECTIO_DATABASE_TLS_CERT and SELECTIO_DATABASE_TLS_KEY, or neither"
        )
    host, port = parse_listen(settings.database_listen)
    networks: list[str] = []
    for item in filter(None, (part.strip() for part in settings.database_allow_from.split(","))):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as e:
            raise DatabaseListenInvalid(
                f"SELECTIO_DATABASE_ALLOW_FROM: {item!r} is not a network (such as 10.0.0.0/8)"
            ) from e
    return ListenSpec(
        host=host,
        port=port,
        app_role=settings.db_app_role,
        allow_from=tuple(networks) or ListenSpec.allow_from,
        tls_cert=cert.expanduser().resolve() if cert else None,
        tls_key=key.expanduser().resolve() if key else None,
    )


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise DatabaseTlsInvalid(f"cannot read the TLS {what} {path}: {e.strerror}") from e


def _check_key_mode(path: Path) -> None:
    """PostgreSQL's own rule for its key: no rights for others, and none for the group unless
    root owns the file (Debian's `ssl-cert` group convention)."""
    try:
        st = path.stat()
    except OSError as e:
        raise DatabaseTlsInvalid(f"cannot read the TLS key {path}: {e.strerror}") from e
    mode = stat.S_IMODE(st.st_mode)
    if mode & (0o037 if st.st_uid == 0 else 0o077):
        raise DatabaseTlsKeyInsecure(
            f"the TLS key {path} is readable by other users (mode {mode:o}): chmod 600 it"
        )


def read_tls(spec: ListenSpec) -> TlsFiles | None:
    """The certificate and key, checked: PEM, no passphrase, the key is the certificate's."""
    if spec.tls_cert is None or spec.tls_key is None:
        return None
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert_pem = _read(spec.tls_cert, "certificate")
    _check_key_mode(spec.tls_key)
    key_pem = _read(spec.tls_key, "key")
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except ValueError as e:
        raise DatabaseTlsInvalid(f"{spec.tls_cert} is not a PEM certificate") from e
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except TypeError as e:
        raise DatabaseTlsInvalid(
            f"the TLS key {spec.tls_key} is protected by a passphrase, which the server cannot "
            "ask for: remove it (openssl pkey -in KEY -out KEY.plain)"
        ) from e
    except ValueError as e:
        raise DatabaseTlsInvalid(f"{spec.tls_key} is not a PEM private key") from e

    def spki(public_key: object) -> bytes:
        return public_key.public_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    if spki(cert.public_key()) != spki(key.public_key()):
        raise DatabaseTlsInvalid(
            f"the TLS key {spec.tls_key} is not the key of the certificate {spec.tls_cert}"
        )
    return TlsFiles(cert_pem=cert_pem, key_pem=key_pem)


def check_port_free(spec: ListenSpec) -> None:
    """Fail clearly before starting when the address is not this machine's or the port is
    taken (PostgreSQL would only say so in its log)."""
    try:
        infos = socket.getaddrinfo(
            None if spec.host == "*" else spec.host,
            spec.port,
            type=socket.SOCK_STREAM,
            flags=socket.AI_PASSIVE,
        )
    except socket.gaierror as e:
        raise DatabaseListenInvalid(
            f"SELECTIO_DATABASE_LISTEN: {spec.host} does not resolve ({e.strerror})"
        ) from e
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as PostgreSQL does
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as e:
                if e.errno == errno.EADDRINUSE:
                    raise DatabasePortBusy(
                        f"port {spec.port} on {spec.host} is taken by another program: choose "
                        "another in SELECTIO_DATABASE_LISTEN (address:port)"
                    ) from e
                if e.errno == errno.EADDRNOTAVAIL:
                    raise DatabaseListenInvalid(
                        f"SELECTIO_DATABASE_LISTEN: {spec.host} is not an address of this machine"
                    ) from e
                if e.errno != errno.EAFNOSUPPORT:
                    raise DatabaseListenInvalid(
                        f"cannot listen on {spec.host}:{spec.port}: {e.strerror}"
                    ) from e


def hba_text(spec: ListenSpec | None) -> str:
    """`pg_hba.conf`: a password for everyone; other machines only as the application role,
    only from the allowed networks, and only over TLS when TLS is configured."""
    if spec is None:
        return _LOCAL_HBA
    kind = "hostssl" if spec.tls else "host"
    role = '"' + spec.app_role.replace('"', "") + '"'
    lines = [f"{kind:<7} all   {role}   {network}   scram-sha-256" for network in spec.allow_from]
    return (
        _LOCAL_HBA
        + f"# other machines (SELECTIO_DATABASE_LISTEN={spec.host}:{spec.port}): the app role\n"
        + "\n".join(lines)
        + "\n"
    )


def postgres_options(
    spec: ListenSpec, *, socket_dir: Path, cert_file: Path | None, key_file: Path | None
) -> list[str]:
    """The server's command-line options (they override postgresql.conf)."""
    options = ["-h", spec.host, "-p", str(spec.port), "-k", str(socket_dir)]
    if cert_file is not None and key_file is not None:
        options += ["-c", "ssl=on", "-c", f"ssl_cert_file={cert_file}"]
        options += ["-c", f"ssl_key_file={key_file}"]
    return options


def _without_password(url: str) -> str:
    params = conninfo_to_dict(url)
    params.pop("password", None)
    return make_conninfo(**params)


def cluster_database_urls(settings: Settings, *, host: str | None = None) -> ClusterDatabaseUrls:
    """The application role's URL for the other machines: the configured or derived one for
    an external server, else the embedded server's TCP address, with `sslmode` when it has
    TLS. `host` is the address they reach it by, when the listen address does not say (`*`:
    else this machine's host name)."""
    if settings.app_database_url is not None:
        url = settings.app_database_url.get_secret_value()
        return ClusterDatabaseUrls(app_url=url, shown=_without_password(url))
    password = derive_app_password(settings.resolved_secret_key(), settings.db_app_role)
    if settings.database_url is not None:
        params = conninfo_to_dict(settings.database_url.get_secret_value())
        params.update(user=settings.db_app_role, password=password)
    else:
        spec = listen_spec(settings)
        if spec is None:
            raise DatabaseListenInvalid(
                "the embedded database listens on a Unix socket only: set "
                "SELECTIO_DATABASE_LISTEN to an address the other machines reach"
            )
        reach = host or (socket.gethostname() if spec.host in _WILDCARDS else spec.host)
        params = {"host": reach, "port": str(spec.port), "dbname": "postgres"}
        params.update(user=settings.db_app_role, password=password)
        if spec.tls and settings.database_tls_ca is not None:
            params.update(sslmode="verify-full", sslrootcert=str(settings.database_tls_ca))
        elif spec.tls:
            params["sslmode"] = "require"
    url = make_conninfo(**params)
    return ClusterDatabaseUrls(app_url=url, shown=_without_password(url))
