"""SQLAlchemy tables, one module per table group; importing this registers them all."""

from dongne.models.base import Base
from dongne.models.users import RefreshToken, User

__all__ = ["Base", "RefreshToken", "User"]
