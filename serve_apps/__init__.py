"""Ray Serve deployments (the FastAPI ingress), auth, and the `selectio` CLI."""

__version__ = "0.1.0"
