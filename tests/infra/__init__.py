"""Tests for dongne.infra."""
