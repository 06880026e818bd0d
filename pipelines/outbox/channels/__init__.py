"""Outbox channels: one small adapter per way out, all behind `Channel`."""

from pipelines.outbox.channels.base import Channel, channel_for
from pipelines.outbox.channels.email import EmailChannel, SmtpConfig
from pipelines.outbox.channels.slack import SlackChannel
from pipelines.outbox.channels.webhook import WebhookChannel

__all__ = ["Channel", "EmailChannel", "SlackChannel", "SmtpConfig", "WebhookChannel", "channel_for"]
