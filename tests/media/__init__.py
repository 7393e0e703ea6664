"""Tests for dongne.media."""
