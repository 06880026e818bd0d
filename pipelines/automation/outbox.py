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

from db import webhooks
from db.outbox import OutboxItem
from db.pool import transaction
from db.secret_box import SealedValueInvalid, SecretBox
from db.settings import Settings
from pipelines.automation.base import JobContext
from pipelines.leads.sending import failure_hook
from pipelines.outbox.channels.base import Channel
from pipelines.outbox.channels.email import EmailChannel, SmtpConfig
from pipelines.outbox.channels.hh import HHChannel
from pipelines.outbox.channels.lead_board import DjinniChannel, LeadEmailChannel
from pipelines.outbox.channels.lead_hh import LeadHHChannel
from pipelines.outbox.channels.lead_linkedin import LinkedInChannel
from pipelines.outbox.channels.slack import SlackChannel
from pipelines.outbox.channels.webhook import WebhookChannel
from pipelines.outbox.dispatcher import dispatch_due
from pipelines.outbox.errors import DeliveryError
from pipelines.outbox.failures import notify_failure

BATCH = 100  # messages per run; the next run (or the next sweep) takes the rest
LEASE_S = 120.0  # per message; longer than any channel's timeout, shorter than the run's
# Sent by the workspace's bot, which holds the account's only client (actors/workspace_bot.py).
BOT_CHANNELS = ("telegram",)


def outbox_channels(settings: Settings, pool: ConnectionPool) -> dict[str, Channel]:
    """The ways out this installation has: e-mail when SMTP is configured, HeadHunter when its
    app is, lead responses (Djinni and LinkedIn always; HH and e-mail as those); Slack (the webhook
    URL travels with each message, sealed when it is a person's); signed webhooks to the
    registered endpoints, whose secrets are read (and opened) when each delivery goes out."""
    box = SecretBox(settings.resolved_secret_key())

    def endpoint_secret(item: OutboxItem) -> bytes | None:
        endpoint_id = item.payload.get("endpoint_id")
        if not isinstance(endpoint_id, int):
            return None
        with transaction(pool, workspace_id=item.workspace_id) as conn:
            sealed = webhooks.sealed_secret(conn, endpoint_id=endpoint_id)
        if sealed is None:
            return None
        try:
            return box.open(sealed, purpose=webhooks.secret_purpose(endpoint_id)).encode()
        except SealedValueInvalid as e:
            raise DeliveryError(
                "the endpoint's signing secret does not open with this installation's key; "
                "rotate it",
                retryable=False,
            ) from e

    inside = settings.webhook_allow_private_targets
    channels: dict[str, Channel] = {
        "slack": SlackChannel(box=box, allow_private=inside),
        webhooks.KIND: WebhookChannel(endpoint_secret, allow_private=inside),
    }
    # Lead responses (issue 16): Djinni and LinkedIn by the workspace's signed-in browser
    # sessions, HH's
    # application with its tokens, e-mail From the lead-gen profile's sender.
    channels["lead.djinni"] = DjinniChannel(pool, settings)
    channels["lead.linkedin"] = LinkedInChannel(pool, settings)  # a message to the job's poster
    if settings.hh_client_id:  # stage changes and messages back to HH, with each workspace's tokens
        channels["hh"] = HHChannel(pool, settings)
        channels["lead.hh"] = LeadHHChannel(pool, settings)
    smtp = SmtpConfig.from_settings(settings)
    if smtp is not None:
        channels["email"] = EmailChannel(smtp)
        channels["email.lead"] = LeadEmailChannel(pool, smtp)
    return channels


def dispatch_outbox(
    pool: ConnectionPool, *, workspace_id: UUID, context: JobContext
) -> dict[str, int]:
    """Send what is due in the workspace's outbox; the pass's counts for the run's record."""
    counts = dispatch_due(
        pool, _channels(context), workspace_id=workspace_id, limit=BATCH, lease_s=LEASE_S,
        on_failed=failure_hook(pool, notify_failure(pool)), skip=BOT_CHANNELS,
    )  # fmt: skip
    return asdict(counts)


def _channels(context: JobContext) -> Mapping[str, Channel]:
    return context.channels
