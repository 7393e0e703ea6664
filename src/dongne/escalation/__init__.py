"""Escalation: the four widening waves that bring a question to the right locals."""
