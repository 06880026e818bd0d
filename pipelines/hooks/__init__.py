"""Inbound webhooks: verify, store raw, then act (`receive`)."""
