"""Pure rules about accounts."""

from __future__ import annotations

from dongne.users.schemas import Role


def normalize_email(email: str) -> str:
    # Addresses are compared case-insensitively: people type them both ways.
    return email.strip().lower()


def role_after_local_verification(role: Role) -> Role:
    """A verified traveler becomes a local; an admin stays an admin."""
    return Role.ADMIN if role is Role.ADMIN else Role.LOCAL


def role_after_lapse(role: Role) -> Role:
    """A local whose verification lapsed asks as a traveler again; an admin stays an admin."""
    return Role.ADMIN if role is Role.ADMIN else Role.TRAVELER
