"""WorkspaceBot: one Ray actor per workspace with a connected Telegram account (`bot:<id>`).

Hard state (Postgres): the account's sealed session and its lease (`telegram_sessions`), the
messages in and out (`messages`). Nothing else: a restarted copy takes the lease again (once
the dead copy's has run out), opens the session, and Telegram redelivers what it missed, which
`messages` recognises by Telegram's ids so that nothing is handled twice.

The lease comes first: two clients on one auth key make Telegram revoke it
(AUTH_KEY_DUPLICATED), so a copy that cannot get the lease waits, and one that loses it stops.
When Telegram says the session is over (revoked from the phone, unregistered, duplicated), the
bot marks it `revoked`, tells the workspace's owners, gives the lease up and exits for good:
nothing retries a dead session in a loop. It stays light (no speech model, a 2-connection
pool): one runs per connected workspace.

It sends the workspace's Telegram messages from the outbox (pipelines/outbox/channels/
telegram.py: a fixed random_id per message, so a resend after a crash is dropped by
Telegram). Voice notes are transcribed by the workspace's cloud engine when it has a key, else
by the node's shared Whisper host (the bot itself holds no speech model), and kept for
recruiters to play. Each new private message is stored once, marked read, and handed to
pipelines/telegram/conversation.py (the invitation's deep link starts the chat interview,
answers go to it, anything else gets a polite word); the replies it queues leave through the
outbox, and a finished interview's analysis is started as a Ray task. Its state (waiting for
the lease, running, lease lost, revoked, not connected) is the gauge `selectio_bot_state`
(pipelines.ops_metrics), and every line it logs carries its workspace.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any
from uuid import UUID, uuid4

import ray
from telethon import TelegramClient, errors, events

from actors.departure import exit_for_good
from actors.naming import NAMESPACE
from db import notifications, outbox, telegram_sessions
from db.pool import open_pool, transaction
from db.secret_box import SecretBox
from db.settings import Settings
from pipelines import log_context, ops_metrics
from pipelines.outbox.channels.telegram import TelegramChannel
from pipelines.outbox.dispatcher import dispatch_due
from pipelines.outbox.failures import notify_failure
from pipelines.telegram import chat_interview, conversation, voice_notes
from pipelines.telegram.client import make_client

log = logging.getLogger(__name__)
LEASE_S = 60.0
_ENDED = (
    errors.AuthKeyUnregisteredError,
    errors.SessionRevokedError,
    errors.AuthKeyDuplicatedError,
    errors.UserDeactivatedError,
    errors.UserDeactivatedBanError,
    errors.SessionExpiredError,
)


def bot_name(workspace_id: UUID | str) -> str:
    return f"bot:{workspace_id}"


class SessionEnded(Exception):
    """Telegram no longer accepts the session."""


@ray.remote(num_cpus=0)
class WorkspaceBot:
    """Runs the workspace's Telegram account (see the module docstring)."""

    def __init__(
        self,
        workspace_id: str,
        settings: Settings,
        app_url: str,
        lease_s: float = LEASE_S,
        check_every_s: float = 20.0,
        send_every_s: float = 1.0,
        run_analysis: bool = True,
        silence_every_s: float = 60.0,
    ) -> None:
        self.workspace_id = UUID(workspace_id)
        log_context.bind_process(workspace_id=workspace_id)  # this process is one workspace's
        self.settings = settings
        self.owner = f"{bot_name(workspace_id)}:{uuid4().hex[:8]}"
        self.lease_s, self.check_every_s = lease_s, check_every_s
        self.send_every_s = send_every_s
        # Off: analyses and resumes sent in chats are only queued / stored (tests).
        self.run_analysis = run_analysis
        self.silence_every_s = silence_every_s
        self.sent = 0
        self.pool = open_pool(app_url, min_size=0, max_size=2, name="workspace-bot")
        self.client: TelegramClient | None = None
        self.state = "waiting_for_lease"
        self.handled = 0
        self._task = asyncio.get_event_loop().create_task(self._run())

    @property
    def state(self) -> str:
        """Where the bot is in its life (see `_run`); published as a gauge on every move."""
        return self._state

    @state.setter
    def state(self, value: str) -> None:
        previous = getattr(self, "_state", None)
        self._state = value
        try:
            ops_metrics.publish(
                ops_metrics.bot_state_samples(str(self.workspace_id), previous, value)
            )
        except Exception:  # a chart is not worth a bot
            log.exception("bot %s: publishing its state failed", self.workspace_id)

    # ---- life ----

    async def _run(self) -> None:
        try:
            while not await asyncio.to_thread(self._claim):
                if not await asyncio.to_thread(self._connected):
                    log.info("bot %s: the account is not connected; leaving", self.workspace_id)
                    self.state = "not_connected"
                    await self._leave()
                    return
                self.state = "waiting_for_lease"
                await asyncio.sleep(min(5.0, self.lease_s / 3))
            session = await asyncio.to_thread(self._session)
            await asyncio.to_thread(self._reclaim_sends)
            self.client = make_client(self.settings, session, updates=True)
            self.client.add_event_handler(self._on_message, events.NewMessage(incoming=True))
            await self.client.connect()
            if not await self.client.is_user_authorized():
                raise SessionEnded("not signed in")
            self.state = "running"
            log.info("bot %s running", self.workspace_id)
            channel = TelegramChannel(
                self.client, asyncio.get_running_loop(), self.pool, self.workspace_id,
                self.settings,
            )  # fmt: skip
            loop = asyncio.get_running_loop()
            helpers = [loop.create_task(self._send_outbox(channel)),
                       loop.create_task(self._watch_silence())]  # fmt: skip
            try:
                await self._keep()
            finally:
                for task in helpers:
                    task.cancel()
        except (SessionEnded, *_ENDED) as e:
            await asyncio.to_thread(self._ended, type(e).__name__)
            await self._leave()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("bot %s failed; Ray restarts it", self.workspace_id)
            raise

    async def _keep(self) -> None:
        """Renew the lease and check the session until one of them is gone."""
        assert self.client is not None
        while True:
            await asyncio.sleep(self.check_every_s)
            if not await asyncio.to_thread(self._claim):
                log.warning("bot %s lost its lease; stopping", self.workspace_id)
                self.state = "lease_lost"
                await self._leave()
                return
            if await self.client.get_me() is None:  # 401 from Telegram: the session is over
                raise SessionEnded("Telegram no longer accepts the session")

    async def _send_outbox(self, channel: TelegramChannel) -> None:
        """Send the workspace's Telegram messages from the outbox (this bot holds the only
        client of the account, so nothing else may): a pass every `send_every_s`, or at once
        while passes come back full."""
        on_failed = notify_failure(self.pool)
        batch = 20
        while True:
            full = False
            try:
                counts = await asyncio.to_thread(
                    dispatch_due, self.pool, {"telegram": channel},
                    workspace_id=self.workspace_id, limit=batch, lease_s=channel.timeout_s * 2,
                    only=("telegram",), on_failed=on_failed,
                )  # fmt: skip
                self.sent += counts.sent
                full = counts.claimed == batch
            except Exception:  # the database went away: the next pass tries again
                log.exception("bot %s: sending the outbox failed", self.workspace_id)
            # A full batch means more are due: go on at once (a burst of replies is not held
            # to `batch` per pass); otherwise wait for the next pass.
            await asyncio.sleep(0 if full else self.send_every_s)

    async def _watch_silence(self) -> None:
        """Remind a candidate who went quiet in a chat interview, once; end it as abandoned
        if the reminder gets no answer either (pipelines.telegram.chat_interview)."""
        while True:
            await asyncio.sleep(self.silence_every_s)
            try:
                step = await asyncio.to_thread(
                    chat_interview.nudge_silent, self.pool, workspace_id=self.workspace_id,
                    after_s=self.settings.telegram_nudge_after_s,
                )  # fmt: skip
            except Exception:
                log.exception("bot %s: checking silent chats failed", self.workspace_id)
                continue
            self._start_analysis(step.analysis_job_id)

    async def _hear(self, message: Any) -> voice_notes.Heard:
        """A voice note (or audio file) heard by the workspace's cloud engine, else by the
        node's shared Whisper host (the bot itself holds no speech model)."""

        async def offline(pcm: bytes) -> str:
            from actors.recognizer import node_recognizer
            from pipelines.engines.whisper_model import locate_whisper_model

            recognizer = node_recognizer(str(locate_whisper_model(self.settings)))
            result = await recognizer.atranscribe(
                pcm, sample_rate=voice_notes.SAMPLE_RATE, language=None
            )
            return str(result.text)

        data = await self.client.download_media(message, file=bytes)
        mime = (message.file.mime_type if message.file else None) or "audio/ogg"
        return await voice_notes.hear(data, mime, self.settings, offline)

    def _dispatcher(self) -> Any:
        """Where resumes and analyses go: Ray tasks (off in tests that only look at queues)."""
        if not self.run_analysis:
            return None
        from serve_apps.dispatch import RayDispatcher

        return RayDispatcher()

    def _start_analysis(self, job_id: int | None) -> None:
        dispatcher = self._dispatcher()
        if job_id is not None and dispatcher is not None:
            dispatcher.submit_analysis(self.workspace_id, job_id)

    async def _leave(self) -> None:
        """Disconnect, give the lease up if still held, and exit for good."""
        if self.client is not None:
            await self.client.disconnect()
        try:
            await asyncio.to_thread(self._release)
        except Exception:
            log.exception("bot %s: releasing the lease failed", self.workspace_id)
        await asyncio.to_thread(self.pool.close)
        exit_for_good(f"bot {self.workspace_id}")

    def _reclaim_sends(self) -> None:
        """Messages a dead copy was sending go again now (same random_id: Telegram drops a
        repeat), instead of after that copy's outbox lease."""
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            if count := outbox.reclaim_channel(conn, channel="telegram"):
                log.info("bot %s: %d messages in flight at a crash go again", self.workspace_id,
                         count)  # fmt: skip

    def _release(self) -> None:
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            telegram_sessions.release_lease(conn, owner=self.owner)

    def _claim(self) -> bool:
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            return telegram_sessions.claim_lease(conn, owner=self.owner, lease_s=self.lease_s)

    def _connected(self) -> bool:
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            row = telegram_sessions.get(conn)
        return row is not None and row.status == "active"

    def _session(self) -> str:
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            row = telegram_sessions.require(conn)
        box = SecretBox(self.settings.resolved_secret_key())
        assert row.session_sealed is not None
        return box.open(row.session_sealed, purpose=telegram_sessions.session_purpose(
            self.workspace_id))  # fmt: skip

    def _ended(self, reason: str) -> None:
        """Mark the session revoked, tell the owners (once per session), give the lease up."""
        self.state = "revoked"
        log.warning("bot %s: Telegram ended the session (%s)", self.workspace_id, reason)
        with transaction(self.pool, workspace_id=self.workspace_id) as conn:
            row = telegram_sessions.get(conn)
            if row is None or row.status != "active":
                return
            telegram_sessions.end(conn, status="revoked", error=f"Telegram: {reason}")
            notifications.notify(
                conn, workspace_id=self.workspace_id, kind="telegram.revoked",
                dedupe_key=f"telegram-revoked:{row.account_id}:{row.connected_at}",
                subject={"account": row.display_name or row.phone, "reason": reason},
            )  # fmt: skip

    # ---- messages ----

    async def _on_message(self, event: Any) -> None:
        if not event.is_private:
            return
        message, sender = event.message, await event.get_sender()
        kind = _kind(message)
        file_name, data, too_large, text, voice_s = None, None, False, message.message or "", None
        audio, audio_mime = None, None
        if kind in ("voice", "audio"):
            heard = await self._hear(message)
            text, voice_s, audio = heard.text, heard.seconds, heard.audio
            audio_mime = (message.file.mime_type if message.file else None) or "audio/ogg"
        elif kind == "document":
            file_name = message.file.name or "resume"
            too_large = (message.file.size or 0) > self.settings.max_upload_mb * 2**20
            if not too_large:
                data = await self.client.download_media(message, file=bytes)
        incoming = conversation.Incoming(
            chat_id=int(event.sender_id), access_hash=getattr(sender, "access_hash", None),
            username=getattr(sender, "username", None), text=text, kind=kind,
            message_id=message.id, sent_at=message.date, file_name=file_name, file=data,
            too_large=too_large, voice_s=voice_s, audio=audio, audio_mime=audio_mime,
        )  # fmt: skip
        step = await asyncio.to_thread(
            conversation.receive, self.pool, self.settings.resolved_secret_key(),
            self.workspace_id, incoming, self._dispatcher(),
        )  # fmt: skip
        if step is None:
            return  # a redelivery: handled before
        await event.mark_read()
        self.handled += 1
        self._start_analysis(step.analysis_job_id)

    # ---- status ----

    async def status(self) -> dict[str, Any]:
        """Liveness for the Orchestrator, the API and tests."""
        return {"workspace_id": str(self.workspace_id), "owner": self.owner,
                "state": self.state, "handled": self.handled, "sent": self.sent,
                "pid": os.getpid(), "at": time.time()}  # fmt: skip


def _kind(message: Any) -> str:
    if message.voice:
        return "voice"
    if message.audio:
        return "audio"
    if message.document:
        return "document"
    return "text" if message.message else "other"


def workspace_bot(workspace_id: UUID | str, **kwargs: Any) -> Any:
    """The workspace's bot, started if it is not running (kwargs only matter then).

    Detached (it outlives whoever started it) and restarted without limit on a crash: its state
    is in Postgres. An intended exit (session over, lease lost) is not restarted."""
    return WorkspaceBot.options(
        name=bot_name(workspace_id), namespace=NAMESPACE, get_if_exists=True,
        lifetime="detached", max_restarts=-1, max_task_retries=0,
    ).remote(str(workspace_id), **kwargs)  # fmt: skip
