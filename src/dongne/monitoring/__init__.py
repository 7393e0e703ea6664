"""Health, readiness and (later) metrics of the running service."""
