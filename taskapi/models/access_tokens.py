"""Personal access tokens: known by a public id, kept only as a keyed hash of the secret."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from taskapi.extensions import Model
from taskapi.models.types import UTCDateTime, utcnow


class AccessToken(Model):
    """One personal access token of one account, with its scopes and (optionally) one project."""

    __tablename__ = "access_tokens"
    # Ids are never reused (SQLite would hand a deleted id to the next row without AUTOINCREMENT).
    __table_args__ = (
        Index("uq_access_tokens_public_id", "public_id", unique=True),
        Index("uq_access_tokens_user_name", "user_id", "name", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The random public part of the token: the lookup key, never enough to use it.
    public_id: Mapped[str] = mapped_column(String(16))
    # HMAC-SHA-256 (hex) of the whole token under a key derived from SECRET_KEY: the token itself is never stored.
    secret_hash: Mapped[str] = mapped_column(String(64))
    last_four: Mapped[str] = mapped_column(String(4))
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated Scope values
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_ip: Mapped[str | None] = mapped_column(String(45))
    # Set when the seven-day expiry reminder was queued: it is sent once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def scope_set(self) -> frozenset:
        """The scopes as a set of strings."""
        return frozenset(self.scopes.split())

    def __repr__(self):
        return f"<AccessToken {self.id} {self.name!r}>"
