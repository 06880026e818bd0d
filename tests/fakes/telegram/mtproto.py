"""The server side of MTProto 2.0 for a fake Telegram data centre: TCP "full" framing, the
Diffie-Hellman exchange that makes an auth key (with an RSA key of the fake's own, which the
client is given like any custom data centre's key), and the encryption of messages both ways.

Written from the protocol's description (core.telegram.org/mtproto) with Telethon's own TL
types and crypto primitives, so the real `TelegramClient` talks to it unchanged.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import struct
import time
import zlib
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa as crypto_rsa
from telethon.crypto import AES, AuthKey
from telethon.extensions import BinaryReader
from telethon.helpers import generate_key_data_from_nonce
from telethon.tl.functions import (
    ReqDHParamsRequest,
    ReqPqMultiRequest,
    SetClientDHParamsRequest,
)
from telethon.tl.types import (
    ClientDHInnerData,
    DhGenOk,
    PQInnerData,
    ResPQ,
    ServerDHInnerData,
    ServerDHParamsOk,
)

# The 2048-bit safe prime Telegram uses (Telethon accepts it without factorising), g = 3.
DH_PRIME = int(
    "C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F48198A0AA7C14058229493D22530"
    "F4DBFA336F6E0AC925139543AED44CCE7C3720FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF"
    "8C595F642477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4A4A695811051907E1627"
    "53B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF"
    "9CA3928FEF5B9AE4E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F0D8115F635B1"
    "05EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B",
    16,
)
DH_G = 3
_PQ = (1229739323, 1402015859)  # small primes: the client factorises their product


@dataclass
class ServerKey:
    """The fake data centre's RSA key; `public_pem` (PKCS#1) is what clients are given."""

    n: int
    e: int
    d: int
    public_pem: bytes

    @classmethod
    def generate(cls) -> ServerKey:
        private = crypto_rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = private.private_numbers()
        pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
        )
        return cls(numbers.public_numbers.n, numbers.public_numbers.e, numbers.d, pem)

    @property
    def fingerprint(self) -> int:
        from telethon.crypto.rsa import get_byte_array
        from telethon.tl.tlobject import TLObject

        n = TLObject.serialize_bytes(get_byte_array(self.n))
        e = TLObject.serialize_bytes(get_byte_array(self.e))
        return struct.unpack("<q", hashlib.sha1(n + e).digest()[-8:])[0]


class Framing:
    """TCP "full" transport: length, sequence number, payload, CRC32, both ways."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self._sent = 0

    async def read(self) -> bytes:
        head = await self.reader.readexactly(8)
        length, _ = struct.unpack("<ii", head)
        body = await self.reader.readexactly(length - 8)
        if struct.unpack("<I", body[-4:])[0] != zlib.crc32(head + body[:-4]):
            raise ConnectionError("bad CRC from the client")
        return body[:-4]

    async def write(self, payload: bytes) -> None:
        packet = struct.pack("<ii", len(payload) + 12, self._sent) + payload
        self._sent += 1
        self.writer.write(packet + struct.pack("<I", zlib.crc32(packet)))
        await self.writer.drain()


class MessageIds:
    """Server message ids: current time in the high bits, rising, odd (1 mod 4 for answers,
    3 mod 4 for what the server sends on its own)."""

    def __init__(self) -> None:
        self._last = 0

    def next(self, *, answer: bool) -> int:
        candidate = (int(time.time()) << 32) | (1 if answer else 3)
        while candidate <= self._last:
            candidate += 4
        self._last = candidate
        return candidate


@dataclass
class Handshake:
    """One client's key exchange in progress."""

    nonce: int = 0
    server_nonce: int = 0
    new_nonce: int = 0
    a: int = field(default_factory=lambda: int.from_bytes(os.urandom(256), "big"))


def plain_answer(ids: MessageIds, obj: bytes) -> bytes:
    return struct.pack("<qqi", 0, ids.next(answer=True), len(obj)) + obj


def handshake_step(key: ServerKey, state: Handshake, request: object) -> tuple[bytes, bytes | None]:
    """The answer to one unencrypted key-exchange request, and the auth key once made."""
    if isinstance(request, ReqPqMultiRequest):
        state.nonce = request.nonce
        state.server_nonce = int.from_bytes(os.urandom(16), "big", signed=True)
        pq = (_PQ[0] * _PQ[1]).to_bytes(8, "big")
        return bytes(ResPQ(state.nonce, state.server_nonce, pq, [key.fingerprint])), None
    if isinstance(request, ReqDHParamsRequest):
        decrypted = pow(int.from_bytes(request.encrypted_data, "big"), key.d, key.n)
        data = decrypted.to_bytes(255, "big")[20:]
        inner = BinaryReader(data).tgread_object()
        assert isinstance(inner, PQInnerData) and inner.nonce == state.nonce
        state.new_nonce = inner.new_nonce
        g_a = pow(DH_G, state.a, DH_PRIME)
        answer = bytes(
            ServerDHInnerData(
                nonce=state.nonce, server_nonce=state.server_nonce, g=DH_G,
                dh_prime=DH_PRIME.to_bytes(256, "big"), g_a=g_a.to_bytes(256, "big"),
                server_time=int(time.time()),
            )
        )  # fmt: skip
        hashed = hashlib.sha1(answer).digest() + answer
        hashed += os.urandom(-len(hashed) % 16)
        aes_key, aes_iv = generate_key_data_from_nonce(state.server_nonce, state.new_nonce)
        encrypted = AES.encrypt_ige(hashed, aes_key, aes_iv)
        return bytes(ServerDHParamsOk(state.nonce, state.server_nonce, encrypted)), None
    if isinstance(request, SetClientDHParamsRequest):
        aes_key, aes_iv = generate_key_data_from_nonce(state.server_nonce, state.new_nonce)
        plain = AES.decrypt_ige(request.encrypted_data, aes_key, aes_iv)
        inner = BinaryReader(plain[20:]).tgread_object()
        assert isinstance(inner, ClientDHInnerData)
        g_b = int.from_bytes(inner.g_b, "big")
        auth_key = pow(g_b, state.a, DH_PRIME).to_bytes(256, "big")
        nonce_hash = AuthKey(auth_key).calc_new_nonce_hash(state.new_nonce, 1)
        return bytes(DhGenOk(state.nonce, state.server_nonce, nonce_hash)), auth_key
    raise ValueError(f"unexpected unencrypted request {type(request).__name__}")


def _keys(auth_key: bytes, msg_key: bytes, x: int) -> tuple[bytes, bytes]:
    a = hashlib.sha256(msg_key + auth_key[x : x + 36]).digest()
    b = hashlib.sha256(auth_key[x + 40 : x + 76] + msg_key).digest()
    return a[:8] + b[8:24] + a[24:32], b[:8] + a[8:24] + b[24:32]


def decrypt_from_client(auth_key: bytes, packet: bytes) -> tuple[int, int, int, bytes]:
    """(salt, session id, msg id, body) of a client's encrypted message."""
    msg_key = packet[8:24]
    aes_key, aes_iv = _keys(auth_key, msg_key, 0)
    plain = AES.decrypt_ige(packet[24:], aes_key, aes_iv)
    if hashlib.sha256(auth_key[88:120] + plain).digest()[8:24] != msg_key:
        raise ConnectionError("msg_key mismatch: the client used another auth key")
    salt, session_id, msg_id, _seq, length = struct.unpack("<qqqii", plain[:32])
    return salt, session_id, msg_id, plain[32 : 32 + length]


def encrypt_to_client(
    auth_key: bytes, session_id: int, msg_id: int, seq_no: int, body: bytes
) -> bytes:
    """One encrypted server message carrying `body` (a serialised TL object)."""
    plain = struct.pack("<qqqii", 0, session_id, msg_id, seq_no, len(body)) + body
    plain += os.urandom(-(len(plain) + 12) % 16 + 12)
    msg_key = hashlib.sha256(auth_key[96:128] + plain).digest()[8:24]
    aes_key, aes_iv = _keys(auth_key, msg_key, 8)
    key_id = AuthKey(auth_key).key_id
    return struct.pack("<Q", key_id) + msg_key + AES.encrypt_ige(plain, aes_key, aes_iv)
