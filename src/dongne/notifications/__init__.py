"""Notifications: who hears what, how and when; history and delivery."""
