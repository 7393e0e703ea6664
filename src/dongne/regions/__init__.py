"""Jeju regions and tourist hotspots: which region a position falls in."""
