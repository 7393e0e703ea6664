"""Caches of read models: in the process (embedded mode) or in Redis (scaled mode)."""
