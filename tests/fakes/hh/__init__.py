"""A fake HeadHunter API (server.py) with a seeded employer world (data.py, sample.py)."""
