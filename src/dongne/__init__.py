"""Dongne (동네물어봐): real-time, location-based Q&A for Jeju Island."""

__version__ = "0.1.0"
