"""Live conversation in question rooms: typing, read receipts, presence."""
