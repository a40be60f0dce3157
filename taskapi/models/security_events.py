"""Security events: what happened to an account, when, and from where (never a secret)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from taskapi.extensions import Model
from taskapi.models.types import UTCDateTime, utcnow


class SecurityEvent(Model):
    """One event: a login, a logout, a changed password, a revoked session, ..."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_user_at", "user_id", "at", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Kept when the account is deleted (account.deleted must outlive it), so no cascade.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    session_id: Mapped[str | None] = mapped_column(String(22))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
