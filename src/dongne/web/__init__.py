"""The web client, built by Vite from `web/` into `dongne/static`, served at `/`."""

from dongne.web.routes import SPA_ROUTES, mount_web_client

__all__ = ["SPA_ROUTES", "mount_web_client"]
