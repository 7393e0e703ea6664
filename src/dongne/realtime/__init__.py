"""The Socket.IO server: connection auth, per-user sessions, event dispatch and the publisher."""
