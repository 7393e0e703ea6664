"""Durable jobs: stored with their due time, claimed atomically, retried with backoff."""
