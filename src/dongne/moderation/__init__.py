"""Moderation: sanitizing, spam scoring, and the rules that keep the Q&A honest."""
