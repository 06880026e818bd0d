"""Telegram: the workspace's own account over MTProto (Telethon) — signing in, and next the
WorkspaceBot that talks to candidates."""
