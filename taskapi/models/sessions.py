"""Login sessions (refresh-token families) and the refresh tokens issued in them."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from taskapi.extensions import Model
from taskapi.models.types import UTCDateTime, utcnow


class AuthSession(Model):
    """One login: every refresh token rotated from it, and the access tokens they issued."""

    __tablename__ = "auth_sessions"
    __table_args__ = (Index("uq_auth_sessions_public_id", "public_id", unique=True),)

    family_id: Mapped[str] = mapped_column(String(43), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The absolute limit: rotation never extends a session past this.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the owner sees in GET /auth/sessions: a public id (never the family id the tokens carry),
    # where the login came from, and the login or latest refresh (no write on every request).
    public_id: Mapped[str | None] = mapped_column(String(22))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RefreshToken(Model):
    """A refresh token, known only by its jti (the token itself is never stored)."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[str] = mapped_column(
        ForeignKey("auth_sessions.family_id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    spent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
