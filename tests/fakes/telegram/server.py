"""A fake Telegram data centre for tests: the real Telethon `TelegramClient` connects to it over
TCP on 127.0.0.1 (MTProto 2.0, tests/fakes/telegram/mtproto.py) and gets TL answers.

    with FakeTelegram() as tg:
        tg.add_account("+79990001122", first_name="Olga", password="hunter2")
        settings = Settings(..., telegram_dc=tg.dc, telegram_rsa_key=tg.public_pem, ...)

It keeps accounts (phone, login code, optional 2FA password checked by real SRP, banned), the
auth keys each client made and which account each is signed in to; it raises errors as
Telegram does (`FLOOD_WAIT_n`, `PHONE_CODE_INVALID`, `SESSION_PASSWORD_NEEDED`,
`AUTH_KEY_UNREGISTERED`, ...). `requests` lists every request by type name, in order.
Handlers for more requests are added with `handle(RequestType, function)`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telethon.crypto import AuthKey
from telethon.extensions import BinaryReader
from telethon.password import big_num_for_hash, compute_hash, num_bytes_for_hash, xor
from telethon.tl import functions, types
from telethon.tl.core import GzipPacked, MessageContainer

from tests.fakes.telegram.mtproto import (
    DH_G,
    DH_PRIME,
    Framing,
    Handshake,
    MessageIds,
    ServerKey,
    decrypt_from_client,
    encrypt_to_client,
    handshake_step,
    plain_answer,
)

DC_ID = 2
_RPC_RESULT = 0xF35C6D01
_WRAPPERS = (
    functions.InvokeWithLayerRequest,
    functions.InitConnectionRequest,
    functions.InvokeWithoutUpdatesRequest,
)


class RpcFail(Exception):
    """An RPC error as Telegram sends it (code and message, e.g. 420 FLOOD_WAIT_30)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code, self.message = code, message


@dataclass
class Account:
    """A Telegram user account the fake knows."""

    user_id: int
    phone: str
    first_name: str
    username: str | None = None
    password: str | None = None
    code: str = "24680"
    banned: bool = False
    access_hash: int = field(default_factory=lambda: secrets.randbits(63))

    def user(self, *, is_self: bool) -> types.User:
        return types.User(
            id=self.user_id, is_self=is_self, access_hash=self.access_hash,
            first_name=self.first_name, username=self.username, phone=self.phone,
        )  # fmt: skip


@dataclass(frozen=True)
class Sent:
    """A message a client sent through the fake."""

    from_user_id: int
    to_user_id: int
    text: str
    random_id: int
    message_id: int


@dataclass
class _Srp:
    srp_id: int
    b: int
    g_b: bytes
    salt1: bytes
    salt2: bytes
    v: int


@dataclass
class KeyState:
    """One auth key: the account it is signed in to (or waiting for a password for)."""

    auth_key: bytes
    user_id: int | None = None
    awaiting_password: int | None = None  # user id
    srp: _Srp | None = None
    revoked: bool = False


@dataclass
class _Connection:
    framing: Framing
    key: KeyState | None = None
    session_id: int = 0
    seq: int = 0


class FakeTelegram:
    """The fake data centre; a context manager running it on a thread of its own."""

    def __init__(self) -> None:
        self.server_key = ServerKey.generate()
        self.accounts: dict[str, Account] = {}
        self.keys: dict[int, KeyState] = {}
        self.codes: dict[str, tuple[str, float]] = {}  # phone_code_hash → (phone, expires)
        self.requests: list[str] = []
        self.flood_wait_s = 0  # > 0: the next SendCode is refused with FLOOD_WAIT_n
        self.send_flood_wait_s = 0  # > 0: the next SendMessage is refused with FLOOD_WAIT_n
        self.peer_flood = 0  # > 0: the next n SendMessage calls are refused with PEER_FLOOD
        self.retry_contacts: set[str] = set()  # phones importContacts answers "later" for
        self.contacts: dict[int, set[int]] = {}  # account → user ids it imported as contacts
        # Called with each message taken, before the client is answered (a test may kill
        # the client's process there: Telegram has the message, the client never hears so).
        self.on_sent: Callable[[Sent], None] | None = None
        self.code_ttl_s = 300.0
        self.pts = 1
        self.sent: list[Sent] = []  # what clients sent, in order (a repeated random_id is not)
        self.files: dict[int, bytes] = {}  # documents by id
        self._random_ids: set[tuple[int, int]] = set()
        self._message_ids: dict[int, int] = {}  # per account
        self._ids = MessageIds()
        self._handlers: dict[type, Callable[[KeyState, Any], Any]] = {}
        self._connections: list[_Connection] = []
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self._install()

    # ---- running ----

    def __enter__(self) -> FakeTelegram:
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._serve, "127.0.0.1", 0)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True, name="fake-telegram")
        self._thread.start()
        started.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        def stop() -> None:
            assert self._server is not None
            self._server.close()
            for conn in self._connections:
                conn.framing.writer.close()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.call_soon(self._loop.stop)

        self._loop.call_soon_threadsafe(stop)
        if self._thread is not None:
            self._thread.join(10)

    @property
    def dc(self) -> str:
        """The data centre as the product's setting names it: "<id>@<host>:<port>"."""
        return f"{DC_ID}@127.0.0.1:{self.port}"

    @property
    def public_pem(self) -> str:
        """The fake's RSA public key (PKCS#1 PEM), given to clients like a custom DC's key."""
        return self.server_key.public_pem.decode()

    # ---- what tests set up ----

    def add_account(self, phone: str, first_name: str = "Recruiter", **kw: Any) -> Account:
        digits = phone.lstrip("+")
        account = Account(user_id=10_000 + len(self.accounts), phone=digits,
                          first_name=first_name, **kw)  # fmt: skip
        self.accounts[digits] = account
        return account

    def handle(self, request_type: type, handler: Callable[[KeyState, Any], Any]) -> None:
        """Answer `request_type` with `handler(key_state, request)` (a TL object, a list for a
        vector, or raise `RpcFail`)."""
        self._handlers[request_type] = handler

    def revoke(self, user_id: int) -> None:
        """Terminate every session of the account (as "Terminate all other sessions" does)."""
        for key in self.keys.values():
            if key.user_id == user_id:
                key.revoked = True

    def add_user(
        self, first_name: str, username: str | None = None, phone: str | None = None
    ) -> Account:
        """Someone who writes to the accounts (a candidate), found by username or phone;
        never signs in here."""
        digits = (phone or "").lstrip("+")
        account = Account(user_id=20_000 + len(self.accounts), phone=digits,
                          first_name=first_name, username=username)  # fmt: skip
        self.accounts[digits or f"user:{account.user_id}"] = account
        return account

    def write(
        self, sender: Account, to_user_id: int, text: str, *, again: int | None = None
    ) -> int:
        """`sender` writes `text` to the account `to_user_id`: an update to every client signed
        in to it (from this thread or any other); the message's id. `again` delivers message
        `again` once more, as Telegram does after a reconnect."""
        message_id = again if again is not None else self._next_message_id(to_user_id)
        self.pts += 1
        message = types.Message(
            id=message_id, peer_id=types.PeerUser(sender.user_id),
            from_id=types.PeerUser(sender.user_id), date=datetime.now(UTC), message=text,
        )  # fmt: skip
        update = types.Updates(
            updates=[types.UpdateNewMessage(message=message, pts=self.pts, pts_count=1)],
            users=[sender.user(is_self=False)], chats=[], date=datetime.now(UTC), seq=0,
        )  # fmt: skip
        future = asyncio.run_coroutine_threadsafe(self._push(to_user_id, bytes(update)), self._loop)
        future.result(10)
        return message_id

    def send_voice(self, sender: Account, to_user_id: int, ogg: bytes, duration_s: int) -> int:
        """`sender` records a voice note (Ogg/Opus, as Telegram's apps send them)."""
        voice = types.DocumentAttributeAudio(duration=duration_s, voice=True)
        return self.send_document(sender, to_user_id, ogg, "", "audio/ogg", attributes=[voice])

    def send_document(
        self,
        sender: Account,
        to_user_id: int,
        data: bytes,
        file_name: str,
        mime_type: str,
        attributes: list[Any] | None = None,
    ) -> int:
        """`sender` sends a file (a resume) to the account; the message's id. Clients fetch
        its bytes with upload.getFile like from Telegram."""
        document = types.Document(
            id=secrets.randbits(62), access_hash=secrets.randbits(62), file_reference=b"ref",
            date=datetime.now(UTC), mime_type=mime_type, size=len(data), dc_id=DC_ID,
            attributes=attributes or [types.DocumentAttributeFilename(file_name=file_name)],
        )  # fmt: skip
        self.files[document.id] = data
        message_id = self._next_message_id(to_user_id)
        self.pts += 1
        message = types.Message(
            id=message_id, peer_id=types.PeerUser(sender.user_id),
            from_id=types.PeerUser(sender.user_id), date=datetime.now(UTC), message="",
            media=types.MessageMediaDocument(document=document),
        )  # fmt: skip
        update = types.Updates(
            updates=[types.UpdateNewMessage(message=message, pts=self.pts, pts_count=1)],
            users=[sender.user(is_self=False)], chats=[], date=datetime.now(UTC), seq=0,
        )  # fmt: skip
        future = asyncio.run_coroutine_threadsafe(self._push(to_user_id, bytes(update)), self._loop)
        future.result(10)
        return message_id

    async def _push(self, user_id: int, body: bytes) -> None:
        for conn in list(self._connections):
            if conn.key is not None and conn.key.user_id == user_id and not conn.key.revoked:
                await self._send(conn, body, answer=False)

    def _next_message_id(self, user_id: int) -> int:
        self._message_ids[user_id] = self._message_ids.get(user_id, 0) + 1
        return self._message_ids[user_id]

    def signed_in(self, user_id: int) -> int:
        """How many live auth keys are signed in to the account."""
        return sum(1 for k in self.keys.values() if k.user_id == user_id and not k.revoked)

    def clients_of(self, user_id: int) -> int:
        """How many open connections are signed in to the account right now."""
        return sum(1 for c in self._connections if c.key is not None and c.key.user_id == user_id)

    # ---- the wire ----

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = _Connection(Framing(reader, writer))
        self._connections.append(conn)
        handshake = Handshake()
        try:
            while True:
                packet = await conn.framing.read()
                key_id = struct.unpack("<q", packet[:8])[0]
                if key_id == 0:
                    length = struct.unpack("<i", packet[16:20])[0]
                    request = BinaryReader(packet[20 : 20 + length]).tgread_object()
                    answer, made = handshake_step(self.server_key, handshake, request)
                    if made is not None:
                        self.keys[AuthKey(made).key_id] = KeyState(made)
                    await conn.framing.write(plain_answer(self._ids, answer))
                    continue
                key = self.keys.get(struct.unpack("<Q", packet[:8])[0])
                if key is None:  # an auth key this data centre never made: transport error
                    await conn.framing.write(struct.pack("<i", -404))
                    return
                conn.key = key
                _, conn.session_id, msg_id, body = decrypt_from_client(key.auth_key, packet)
                for inner_id, obj in self._unpack(msg_id, body):
                    await self._dispatch(conn, inner_id, obj)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            if conn in self._connections:
                self._connections.remove(conn)

    def _unpack(self, msg_id: int, body: bytes) -> list[tuple[int, Any]]:
        obj = BinaryReader(body).tgread_object()
        if isinstance(obj, MessageContainer):
            out = []
            for message in obj.messages:
                out += self._unwrap_gzip(message.msg_id, message.obj)
            return out
        return self._unwrap_gzip(msg_id, obj)

    @staticmethod
    def _unwrap_gzip(msg_id: int, obj: Any) -> list[tuple[int, Any]]:
        if isinstance(obj, GzipPacked):
            return [(msg_id, BinaryReader(obj.data).tgread_object())]
        return [(msg_id, obj)]

    async def _send(self, conn: _Connection, body: bytes, *, answer: bool = True) -> None:
        assert conn.key is not None
        conn.seq += 1
        packet = encrypt_to_client(
            conn.key.auth_key, conn.session_id, self._ids.next(answer=answer),
            conn.seq * 2 - 1, body,
        )  # fmt: skip
        await conn.framing.write(packet)

    async def _dispatch(self, conn: _Connection, msg_id: int, obj: Any) -> None:
        if isinstance(obj, types.MsgsAck):
            return
        if isinstance(obj, functions.PingRequest | functions.PingDelayDisconnectRequest):
            await self._send(conn, bytes(types.Pong(msg_id, obj.ping_id)))
            return
        request = obj
        while isinstance(request, _WRAPPERS):
            request = request.query
        self.requests.append(type(request).__name__)
        assert conn.key is not None
        try:
            result = self._answer(conn.key, request)
        except RpcFail as e:
            body = bytes(types.RpcError(e.code, e.message))
        else:
            body = _serialise(result)
        await self._send(conn, struct.pack("<Iq", _RPC_RESULT, msg_id) + body)

    def _answer(self, key: KeyState, request: Any) -> Any:
        handler = self._handlers.get(type(request))
        if handler is None:
            raise RpcFail(400, f"METHOD_NOT_IN_FAKE_{type(request).__name__.upper()}")
        open_requests = (functions.help.GetConfigRequest, functions.auth.SendCodeRequest,
                         functions.auth.SignInRequest, functions.account.GetPasswordRequest,
                         functions.auth.CheckPasswordRequest)  # fmt: skip
        if key.revoked:
            raise RpcFail(401, "AUTH_KEY_UNREGISTERED")
        if key.user_id is None and not isinstance(request, open_requests):
            raise RpcFail(401, "AUTH_KEY_UNREGISTERED")
        return handler(key, request)

    # ---- the requests every client makes ----

    def _install(self) -> None:
        h = self.handle
        h(functions.help.GetConfigRequest, lambda key, r: self._config())
        h(functions.users.GetUsersRequest, self._get_users)
        h(functions.updates.GetStateRequest, lambda key, r: self._state())
        h(functions.updates.GetDifferenceRequest,
          lambda key, r: types.updates.DifferenceEmpty(date=datetime.now(UTC), seq=0))  # fmt: skip
        h(functions.auth.SendCodeRequest, self._send_code)
        h(functions.auth.SignInRequest, self._sign_in)
        h(functions.account.GetPasswordRequest, self._get_password)
        h(functions.auth.CheckPasswordRequest, self._check_password)
        h(functions.auth.LogOutRequest, self._log_out)
        h(functions.messages.SendMessageRequest, self._send_message)
        h(functions.messages.ReadHistoryRequest,
          lambda key, r: types.messages.AffectedMessages(pts=self.pts, pts_count=0))  # fmt: skip
        h(functions.messages.SetTypingRequest, lambda key, r: True)
        h(functions.contacts.ResolveUsernameRequest, self._resolve_username)
        h(functions.upload.GetFileRequest, self._get_file)
        h(functions.contacts.ImportContactsRequest, self._import_contacts)

    def _config(self) -> types.Config:
        now = datetime.now(UTC)
        option = types.DcOption(id=DC_ID, ip_address="127.0.0.1", port=self.port)
        numbers = dict.fromkeys(
            ("chat_size_max", "megagroup_size_max", "forwarded_count_max",
             "online_update_period_ms", "offline_blur_timeout_ms", "offline_idle_timeout_ms",
             "online_cloud_timeout_ms", "notify_cloud_delay_ms", "notify_default_delay_ms",
             "push_chat_period_ms", "push_chat_limit", "edit_time_limit", "revoke_time_limit",
             "revoke_pm_time_limit", "rating_e_decay", "stickers_recent_limit",
             "channels_read_media_period", "call_receive_timeout_ms", "call_ring_timeout_ms",
             "call_connect_timeout_ms", "call_packet_timeout_ms", "caption_length_max",
             "message_length_max"),
            1000,
        )  # fmt: skip
        return types.Config(
            date=now, expires=now, test_mode=False, this_dc=DC_ID, dc_options=[option],
            dc_txt_domain_name="fake.test", me_url_prefix="https://t.me/", webfile_dc_id=DC_ID,
            **numbers,
        )  # fmt: skip

    def _state(self) -> types.updates.State:
        return types.updates.State(
            pts=self.pts, qts=0, date=datetime.now(UTC), seq=0, unread_count=0
        )

    def _account_of(self, key: KeyState) -> Account:
        return next(a for a in self.accounts.values() if a.user_id == key.user_id)

    def _get_users(self, key: KeyState, request: Any) -> list[types.User]:
        me, found = self._account_of(key), []
        for wanted in request.id:
            if isinstance(wanted, types.InputUserSelf):
                found.append(me.user(is_self=True))
            elif isinstance(wanted, types.InputUser):
                found += [a.user(is_self=False) for a in self.accounts.values()
                          if a.user_id == wanted.user_id]  # fmt: skip
        return found

    def _get_file(self, key: KeyState, request: Any) -> types.upload.File:
        data = self.files.get(getattr(request.location, "id", -1))
        if data is None:
            raise RpcFail(400, "FILE_REFERENCE_INVALID")
        chunk = data[request.offset : request.offset + request.limit]
        return types.upload.File(
            type=types.storage.FileUnknown(), mtime=int(time.time()), bytes=chunk
        )

    def _resolve_username(self, key: KeyState, request: Any) -> types.contacts.ResolvedPeer:
        name = request.username.lower()
        for account in self.accounts.values():
            if (account.username or "").lower() == name:
                return types.contacts.ResolvedPeer(
                    peer=types.PeerUser(account.user_id), chats=[],
                    users=[account.user(is_self=False)],
                )  # fmt: skip
        raise RpcFail(400, "USERNAME_NOT_OCCUPIED")

    def _import_contacts(self, key: KeyState, request: Any) -> types.contacts.ImportedContacts:
        """Phones of users the fake knows become contacts; phones in `retry_contacts` are
        "later"; any other phone has no account (nothing imported, nothing to retry)."""
        me, imported, users, retry = self._account_of(key), [], [], []
        for contact in request.contacts:
            phone = contact.phone.lstrip("+")
            if phone in self.retry_contacts:
                retry.append(contact.client_id)
                continue
            user = self.accounts.get(phone)
            if user is None:
                continue
            self.contacts.setdefault(me.user_id, set()).add(user.user_id)
            imported.append(types.ImportedContact(user_id=user.user_id,
                                                  client_id=contact.client_id))  # fmt: skip
            users.append(user.user(is_self=False))
        return types.contacts.ImportedContacts(
            imported=imported, popular_invites=[], retry_contacts=retry, users=users
        )

    def _send_message(self, key: KeyState, request: Any) -> types.UpdateShortSentMessage:
        if self.send_flood_wait_s:
            seconds, self.send_flood_wait_s = self.send_flood_wait_s, 0
            raise RpcFail(420, f"FLOOD_WAIT_{seconds}")
        if self.peer_flood:
            self.peer_flood -= 1
            raise RpcFail(400, "PEER_FLOOD")
        me = self._account_of(key)
        if (me.user_id, request.random_id) in self._random_ids:
            raise RpcFail(500, "RANDOM_ID_DUPLICATE")  # Telegram delivers a random_id once
        self._random_ids.add((me.user_id, request.random_id))
        peer = request.peer
        to_user = peer.user_id if isinstance(peer, types.InputPeerUser) else me.user_id
        message_id = self._next_message_id(me.user_id)
        self.sent.append(Sent(me.user_id, to_user, request.message, request.random_id, message_id))
        if self.on_sent is not None:
            self.on_sent(self.sent[-1])
        self.pts += 1
        return types.UpdateShortSentMessage(
            id=message_id, pts=self.pts, pts_count=1, date=datetime.now(UTC), out=True
        )

    def _send_code(self, key: KeyState, request: Any) -> types.auth.SentCode:
        if self.flood_wait_s:
            seconds, self.flood_wait_s = self.flood_wait_s, 0
            raise RpcFail(420, f"FLOOD_WAIT_{seconds}")
        account = self.accounts.get(request.phone_number.lstrip("+"))
        if account is None:
            raise RpcFail(400, "PHONE_NUMBER_INVALID")
        if account.banned:
            raise RpcFail(400, "PHONE_NUMBER_BANNED")
        code_hash = secrets.token_hex(9)
        self.codes[code_hash] = (account.phone, time.time() + self.code_ttl_s)
        return types.auth.SentCode(
            type=types.auth.SentCodeTypeApp(length=len(account.code)),
            phone_code_hash=code_hash, timeout=60,
        )  # fmt: skip

    def _sign_in(self, key: KeyState, request: Any) -> types.auth.Authorization:
        phone = request.phone_number.lstrip("+")
        issued = self.codes.get(request.phone_code_hash)
        if issued is None or issued[0] != phone:
            raise RpcFail(400, "PHONE_CODE_HASH_EMPTY")
        if time.time() > issued[1]:
            raise RpcFail(400, "PHONE_CODE_EXPIRED")
        account = self.accounts[phone]
        if request.phone_code != account.code:
            raise RpcFail(400, "PHONE_CODE_INVALID")
        del self.codes[request.phone_code_hash]
        if account.password:
            key.awaiting_password = account.user_id
            raise RpcFail(401, "SESSION_PASSWORD_NEEDED")
        key.user_id = account.user_id
        return types.auth.Authorization(user=account.user(is_self=True))

    def _get_password(self, key: KeyState, request: Any) -> types.account.Password:
        account = next(a for a in self.accounts.values() if a.user_id == key.awaiting_password)
        algo = types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
            salt1=os.urandom(16), salt2=os.urandom(16), g=DH_G, p=DH_PRIME.to_bytes(256, "big")
        )
        x = int.from_bytes(compute_hash(algo, account.password or ""), "big")
        v = pow(DH_G, x, DH_PRIME)
        k = int.from_bytes(_sha256(num_bytes_for_hash(algo.p), big_num_for_hash(DH_G)), "big")
        b = int.from_bytes(os.urandom(256), "big")
        g_b = ((k * v) + pow(DH_G, b, DH_PRIME)) % DH_PRIME
        key.srp = _Srp(secrets.randbits(62), b, big_num_for_hash(g_b), algo.salt1, algo.salt2, v)
        return types.account.Password(
            new_algo=types.PasswordKdfAlgoUnknown(),
            new_secure_algo=types.SecurePasswordKdfAlgoUnknown(), secure_random=os.urandom(32),
            has_password=True, current_algo=algo, srp_B=key.srp.g_b, srp_id=key.srp.srp_id,
        )  # fmt: skip

    def _check_password(self, key: KeyState, request: Any) -> types.auth.Authorization:
        srp, check = key.srp, request.password
        if srp is None or check.srp_id != srp.srp_id:
            raise RpcFail(400, "SRP_ID_INVALID")
        p_bytes = DH_PRIME.to_bytes(256, "big")
        a_for_hash = num_bytes_for_hash(check.A)
        u = int.from_bytes(_sha256(a_for_hash, srp.g_b), "big")
        s = pow(int.from_bytes(check.A, "big") * pow(srp.v, u, DH_PRIME), srp.b, DH_PRIME)
        expected = _sha256(
            xor(_sha256(num_bytes_for_hash(p_bytes)), _sha256(big_num_for_hash(DH_G))),
            _sha256(srp.salt1), _sha256(srp.salt2), a_for_hash, srp.g_b,
            _sha256(big_num_for_hash(s)),
        )  # fmt: skip
        key.srp = None
        if check.M1 != expected:
            raise RpcFail(400, "PASSWORD_HASH_INVALID")
        key.user_id, key.awaiting_password = key.awaiting_password, None
        return types.auth.Authorization(user=self._account_of(key).user(is_self=True))

    def _log_out(self, key: KeyState, request: Any) -> types.auth.LoggedOut:
        key.user_id = None
        key.revoked = True
        return types.auth.LoggedOut()


def _sha256(*parts: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.digest()


def _serialise(result: Any) -> bytes:
    if isinstance(result, list):  # a TL vector
        return struct.pack("<Ii", 0x1CB5C415, len(result)) + b"".join(bytes(x) for x in result)
    if isinstance(result, bool):
        return struct.pack("<I", 0x997275B5 if result else 0xBC799737)
    return bytes(result)
