"""HTTP routers, one per resource, mounted under /api/v1 by serve_apps.app."""
