"""`python -m serve_apps` runs the `selectio` CLI."""

from serve_apps.cli import main

main()
