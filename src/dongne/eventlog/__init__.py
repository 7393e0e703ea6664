"""The per-user event log: every event a user must not miss, with an increasing `eventId`."""
