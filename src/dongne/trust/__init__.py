"""How a local usually answers (answers, acceptance, typical answer time), for their profile."""
