"""[17] Deflections: a traveler found an earlier answer and did not ask at all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from dongne.models.base import Base, UTCDateTime, id_column_type


class Deflection(Base):
    __tablename__ = "deflections"
    __table_args__ = (Index("ix_deflections_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The answered question and the answer that solved it (no foreign keys: the record
    # stays when either is deleted, it is a count).
    question_id: Mapped[str] = mapped_column(id_column_type())
    answer_id: Mapped[str] = mapped_column(id_column_type())
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
