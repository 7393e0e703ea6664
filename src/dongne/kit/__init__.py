"""Domain-free helpers: database, clock, ids, errors, JSON, logging, security primitives."""
