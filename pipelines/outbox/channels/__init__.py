"""Outbox channels: one small adapter per way out, all behind `channels.base.Channel`.

Import each from its module (`channels.email`, `.slack`, `.webhook`, `.telegram`): a process
loads only the ways out it uses (the WorkspaceBot needs Telegram's, not SMTP or HTTP).
"""
