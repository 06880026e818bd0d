"""A fake Telegram data centre that the real Telethon client talks MTProto to (server.py)."""
