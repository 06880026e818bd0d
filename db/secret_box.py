"""Secrets at rest: AES-256-GCM with a key derived from the installation secret.

Webhook signing secrets, Slack webhook URLs and (next) Telegram sessions and HeadHunter tokens
are stored sealed: the database holds `version byte | nonce | ciphertext+tag`, and the key
never leaves the process (HKDF-SHA256 over `Settings.resolved_secret_key()`). Each sealed value
is bound to its purpose (the GCM associated data, e.g. "webhook:17"), so a value copied from
one row to another does not open there.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from db.errors import InvalidValue

_VERSION = b"\x01"
_NONCE_BYTES = 12


class SealedValueInvalid(InvalidValue):
    """A sealed value did not open: another installation's key, another row's, or tampered."""

    code = "sealed_value_invalid"


class SecretBox:
    """Seals and opens short secrets for one installation."""

    def __init__(self, installation_secret: bytes) -> None:
        if len(installation_secret) < 16:
            raise InvalidValue("the installation secret is too short to derive a key from")
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"selectio secret box v1"
        ).derive(installation_secret)
        self._aead = AESGCM(key)

    def __repr__(self) -> str:  # the key stays out of logs and tracebacks
        return "SecretBox()"

    def seal(self, plaintext: str, *, purpose: str) -> bytes:
        """Encrypt `plaintext` for storage; only `open` with the same purpose reads it back."""
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), purpose.encode())

    def open(self, sealed: bytes, *, purpose: str) -> str:
        """The plaintext of a sealed value, or `SealedValueInvalid`."""
        sealed = bytes(sealed)
        if len(sealed) <= 1 + _NONCE_BYTES or sealed[:1] != _VERSION:
            raise SealedValueInvalid("the stored secret is not a sealed value of this product")
        nonce, body = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, purpose.encode()).decode()
        except InvalidTag as e:
            raise SealedValueInvalid(
                "the stored secret does not open with this installation's key (was "
                "SELECTIO_SECRET_KEY changed?); set it again"
            ) from e
