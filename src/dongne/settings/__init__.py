"""Per-user notification settings (alerts, quiet hours, channels, radius, tags, regions)."""
