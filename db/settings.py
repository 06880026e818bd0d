"""One settings object for the whole product, read from `SELECTIO_*` variables and `.env`.

It lives in `db` because `db` is the package every other one may import. Vendor keys keep their
usual names (`OPENAI_API_KEY`, ...). Secrets have no working defaults: the secret key is read
from `SELECTIO_SECRET_KEY` or generated once per home folder and kept there with mode 0600.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.private_files import read_or_create

SECRET_KEY_FILE = "secret.key"
RAY_TOKEN_FILE = "ray_auth_token"


class Settings(BaseSettings):
    """Process configuration; every field can be set as `SELECTIO_<FIELD>`."""

    model_config = SettingsConfigDict(
        env_prefix="SELECTIO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    home: Path = Field(default_factory=lambda: Path.home() / ".selectio")
    database_url: SecretStr | None = None
    app_database_url: SecretStr | None = None
    db_app_role: str = "selectio_app"
    db_pool_min: int = Field(default=1, ge=0)
    db_pool_max: int = Field(default=8, ge=1)
    # False behind a transaction-mode pooler (PgBouncer < 1.21, or without
    # max_prepared_statements): psycopg then prepares no server-side statements.
    db_prepared_statements: bool = True
    db_connect_timeout_s: float = Field(default=5.0, gt=0)
    # The embedded server serving the other machines of a cluster (db/listen.py): an address
    # of this machine, or address:port (port 5432 unless given); empty: a Unix socket only.
    database_listen: str = ""
    # Networks the application role may connect from over TCP (comma-separated CIDRs); empty:
    # any. Only the application role is let in from other machines, never the superuser.
    database_allow_from: str = ""
    # TLS for those connections (PEM files); with them, other machines must use TLS. The CA is
    # what other machines verify the server with (the same path on each): `verify-full`.
    database_tls_cert: Path | None = None
    database_tls_key: Path | None = None
    database_tls_ca: Path | None = None
    secret_key: SecretStr | None = None

    host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    console_port: int = Field(default=8501, ge=1, le=65535)
    dashboard_port: int = Field(default=8265, ge=1, le=65535)
    prometheus_port: int = Field(default=9090, ge=1, le=65535)
    ray_address: str | None = Field(
        default=None, validation_alias=AliasChoices("SELECTIO_RAY_ADDRESS", "RAY_ADDRESS")
    )
    ray_num_cpus: int | None = Field(default=None, ge=1)
    ray_object_store_mb: int = Field(default=256, ge=78)
    # Live voice interviews a node takes per CPU core: each node offers
    # `interview_slots_per_core` x its CPUs as the Ray resource `interview_slot`, and a new
    # interview past that gets `at_capacity` (benchmarks/README.md: 2 per core keeps
    # voice-to-voice p95 under 1.5 s).
    interview_slots_per_core: float = Field(default=2.0, gt=0)
    # API replicas Serve runs (spread over the nodes); a proxy runs on every node.
    api_replicas: int = Field(default=1, ge=1)
    # Requests one API replica works on at once; more are answered 503 `overloaded` with
    # `Retry-After` at once (serve_apps/load_shed.py). 16 is 2 per database connection
    # (`db_pool_max` 8): one request at the database, one preparing or serialising; more
    # only wait for a connection and crowd the replica's GIL, which also slows the refusals
    # (benchmarks/README.md, api_load: 8 / 16 / 32 measured). Candidates' interview requests
    # count apart, up to twice this; 16 + 32 stays under Serve's `max_ongoing_requests` 64,
    # so nothing queues unseen in front of the replica.
    api_max_in_flight: int = Field(default=16, ge=1)
    api_url: str | None = None
    session_ttl_hours: float = Field(default=12.0, gt=0)
    # Log lines of every process (the CLI, Ray's workers): one JSON object each, for a log
    # store, or `key=value` text for a person reading a terminal (serve_apps/logs.py).
    log_format: Literal["json", "text"] = "json"

    llm_engine: Literal["auto", "offline", "openai"] = "auto"
    embedding_engine: Literal["auto", "offline", "hashing", "openai"] = "auto"
    openai_model: str = "gpt-4o-mini"
    openai_embedding_model: str = "text-embedding-3-small"
    openai_timeout_s: float = Field(default=60.0, gt=0)
    max_upload_mb: float = Field(default=10.0, gt=0)
    # A whole request (a batch of resumes); larger bodies get 413 before they are read.
    max_request_mb: float = Field(default=64.0, gt=0)
    # How long a request with an `Idempotency-Key` holds the key from retries while it runs;
    # past that its replica is taken for dead and a retry runs (serve_apps/idempotency.py).
    # Above Serve's 60 s request timeout, so a live request is never overtaken.
    idempotency_lease_s: float = Field(default=120.0, gt=0)
    max_document_pages: int = Field(default=40, ge=1)
    max_docx_uncompressed_mb: float = Field(default=40.0, gt=0)
    # Uploads are parsed in a child process with these caps (pipelines.documents.isolation):
    # a hostile file costs the child, never the worker or replica. 0 parses in-process.
    parse_timeout_s: float = Field(default=30.0, ge=0)
    parse_memory_mb: int = Field(default=1024, ge=0)

    interview_max_duration_s: int = Field(default=1800, ge=60)
    interview_max_concurrent_per_workspace: int = Field(default=4, ge=1)
    # How long an interview actor with no candidate connected waits before it leaves (the
    # interview stays resumable: a later reconnect starts a fresh actor from the database).
    interview_reconnect_grace_s: float = Field(default=120.0, ge=1)
    # How long a finished interview's actor stays after the goodbye, so the closing words and
    # `interview_complete` reach the candidate before the peer connection closes.
    interview_exit_after_s: float = Field(default=10.0, ge=0)
    # SDP offers one interview link may make per window. A candidate's page reconnects a few
    # times at most (reload, network change, its own retries); every offer builds a pipeline
    # and a peer connection, so more than this is a script or a loop and gets 429.
    interview_offer_limit: int = Field(default=10, ge=1)
    interview_offer_window_s: float = Field(default=60.0, gt=0)
    whisper_model_path: Path | None = None
    # Recorded voice notes (chat interviews): "auto" sends them to Deepgram, else OpenAI, when
    # a key is set, and to the offline Whisper host otherwise (pipelines.engines.file_stt).
    voice_note_engine: Literal["auto", "offline", "deepgram", "openai"] = "auto"
    voice_note_timeout_s: float = Field(default=60.0, gt=0)
    # Chromium for PDF reports: Playwright's own browser, else Debian's, unless set here.
    report_browser_path: Path | None = None

    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    deepgram_api_key: SecretStr | None = Field(default=None, validation_alias="DEEPGRAM_API_KEY")
    deepgram_base_url: str | None = Field(default=None, validation_alias="DEEPGRAM_BASE_URL")
    elevenlabs_api_key: SecretStr | None = Field(
        default=None, validation_alias="ELEVENLABS_API_KEY"
    )
    telegram_api_id: int | None = Field(default=None, validation_alias="TELEGRAM_API_ID")
    telegram_api_hash: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_API_HASH")
    # A data centre other than Telegram's own (a test DC, a local stand-in), as
    # "<dc id>@<host>:<port>", with its RSA public key (PKCS#1 PEM text, or a file's path).
    telegram_dc: str | None = Field(default=None, pattern=r"^\d+@[^:@\s]+:\d+$")
    telegram_rsa_key: str | None = None
    telegram_timeout_s: float = Field(default=20.0, gt=0)
    # A chat interview waiting for the candidate: one reminder after this long, and the
    # interview ended as abandoned after as long again with no answer.
    telegram_nudge_after_s: float = Field(default=24 * 3600.0, gt=0)
    # Behaving like a person: "typing…" and a pause before each message, growing with its
    # length (characters per second of typing), capped; 0 turns it off (tests).
    telegram_typing_cps: float = Field(default=18.0, ge=0)
    telegram_typing_max_s: float = Field(default=6.0, ge=0)
    # Messages nobody asked for (welcomes, reminders) wait out the night where the candidate
    # lives (their location or phone; else `telegram_timezone`): "21-9" means not from 21:00
    # to 09:00 ("0-0": none). Replies to a candidate who wrote go out at once.
    telegram_quiet_hours: str = Field(
        default="21-9", pattern=r"^([01]?\d|2[0-3])-([01]?\d|2[0-3])$"
    )
    telegram_timezone: str = "Europe/Moscow"
    # First messages to people who never wrote to the account, per 24 hours: more looks like
    # spam to Telegram (PEER_FLOOD). After a PEER_FLOOD, first messages pause this long.
    telegram_first_contacts_per_day: int = Field(default=40, ge=1)
    telegram_peer_flood_pause_s: float = Field(default=24 * 3600.0, gt=0)

    # Outgoing e-mail (the outbox's e-mail channel). No host: e-mail items fail with a reason.
    # The port defaults by security: 587 STARTTLS, 465 SSL, 25 plain.
    smtp_host: str | None = None
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["starttls", "ssl", "plain"] = "starttls"
    smtp_from: str | None = None
    smtp_timeout_s: float = Field(default=20.0, gt=0)
    # HeadHunter (scraper/hh): the app registered at dev.hh.ru, and HH's addresses (any
    # HH-compatible server may stand in). HH requires "AppName/1.0 (contact@email)" as the user
    # agent of every request; about 10 requests/s per IP are allowed.
    hh_client_id: str | None = Field(default=None, validation_alias="HH_CLIENT_ID")
    hh_client_secret: SecretStr | None = Field(default=None, validation_alias="HH_CLIENT_SECRET")
    hh_api_url: str = "https://api.hh.ru"
    hh_oauth_url: str = "https://hh.ru"
    hh_app_name: str = "Selectio/1.0"
    hh_contact_email: str = "hh-api@selectio.local"
    hh_requests_per_s: float = Field(default=10.0, gt=0)
    hh_timeout_s: float = Field(default=30.0, gt=0)
    hh_max_retries: int = Field(default=5, ge=0)
    # HH's site, for importing responses through a recruiter's logged-in session (no API).
    hh_site_url: str = "https://hh.ru"
    # Djinni's site, for the saved job-board searches (pipelines/boards).
    djinni_url: str = "https://djinni.co"
    # LinkedIn's site, for messaging a job's poster with the workspace's session (lead gen).
    linkedin_url: str = "https://www.linkedin.com"
    # Calendly's API (lead generation's meeting links); tests point it at a local fake.
    calendly_api_url: str = "https://api.calendly.com"
    # Outbound webhooks and Slack posts to loopback, private or link-local addresses are
    # refused unless allowed (a workspace owner must not make the server call its own network).
    webhook_allow_private_targets: bool = False

    @field_validator("home", mode="after")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def pgdata(self) -> Path:
        """Data folder of the embedded PostgreSQL server."""
        return self.home / "pgdata"

    @property
    def public_api_url(self) -> str:
        """Base URL the console and printed links use to reach the API."""
        return self.api_url or f"http://{self.host}:{self.api_port}"

    def resolved_secret_key(self) -> bytes:
        """The installation's secret: from settings, else created once under `home`."""
        if self.secret_key is not None:
            value = self.secret_key.get_secret_value()
            if len(value) < 32:
                raise ValueError("SELECTIO_SECRET_KEY must be at least 32 characters")
            return value.encode()
        return read_or_create(
            self.home / SECRET_KEY_FILE, lambda: secrets.token_urlsafe(48)
        ).encode()

    @property
    def ray_token_path(self) -> Path:
        """Ray's auth token for a cluster started here (mode 0600): the dashboard asks for it."""
        return self.home / RAY_TOKEN_FILE


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return Settings()
