"""Presence index: online users' last positions, queried for the nearest ones."""
