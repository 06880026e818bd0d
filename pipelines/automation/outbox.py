"""The workspace's outbox sent as an automation job (`dispatch_outbox`).

Unlike the other jobs it works outside the run's transaction: each message is claimed,
delivered and marked in short transactions of its own (pipelines.outbox.dispatch_due), so no
transaction stays open while a mail server or a webhook answers. The run's lease keeps two
Orchestrators from sending one workspace's outbox at once; the messages' own leases keep any
two dispatchers from sending one message twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from uuid import UUID

from psycopg_pool import ConnectionPool

from db.settings import Settings
from pipelines.automation.base import JobContext
from pipelines.outbox.channels import Channel, EmailChannel, SlackChannel, SmtpConfig
from pipelines.outbox.dispatcher import dispatch_due

BATCH = 100  # messages per run; the next run (or the next sweep) takes the rest
LEASE_S = 120.0  # per message; longer than any channel's timeout, shorter than the run's


def outbox_channels(settings: Settings) -> dict[str, Channel]:
    """The ways out this installation has: e-mail when SMTP is configured, Slack always (the
    webhook URL travels with each message). Signed webhooks join with their endpoint registry;
    until then a webhook message fails with a clear reason instead of going nowhere."""
    channels: dict[str, Channel] = {"slack": SlackChannel()}
    smtp = SmtpConfig.from_settings(settings)
    if smtp is not None:
        channels["email"] = EmailChannel(smtp)
    return channels


def dispatch_outbox(
    pool: ConnectionPool, *, workspace_id: UUID, context: JobContext
) -> dict[str, int]:
    """Send what is due in the workspace's outbox; the pass's counts for the run's record."""
    counts = dispatch_due(
        pool, _channels(context), workspace_id=workspace_id, limit=BATCH, lease_s=LEASE_S
    )
    return asdict(counts)


def _channels(context: JobContext) -> Mapping[str, Channel]:
    return context.channels
