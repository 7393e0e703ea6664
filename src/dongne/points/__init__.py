"""Points: an append-only ledger and each user's balance."""
