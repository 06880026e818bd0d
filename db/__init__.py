"""Storage layer: embedded or external PostgreSQL, migrations, tenant-scoped repositories.

`db` is the bottom of the import graph (console → serve_apps → actors → pipelines → db): it
imports nothing else of ours, so the settings every package reads live here too.
"""
