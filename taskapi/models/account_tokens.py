"""One-time account tokens (email verification, password reset, email change) and two-factor recovery codes."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from taskapi.extensions import Model
from taskapi.models.types import UTCDateTime, utcnow


class TokenPurpose(StrEnum):
    """What a mailed account token is for (the check constraint below lists the same values)."""

    VERIFY_EMAIL = "verify_email"
    PASSWORD_RESET = "password_reset"
    EMAIL_CHANGE = "email_change"


TOKEN_PURPOSES = tuple(purpose.value for purpose in TokenPurpose)


class AccountToken(Model):
    """A mailed single-use token, known only by its SHA-256 digest."""

    __tablename__ = "account_tokens"
    __table_args__ = (
        CheckConstraint("purpose IN ('verify_email', 'password_reset', 'email_change')",
                        name="ck_account_tokens_purpose"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    # The address the token was mailed to: a token for an old address verifies nothing.
    # For an email change it is the new address, which the account gets when the token is redeemed.
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(Model):
    """A two-factor recovery code, stored as a keyed hash; usable once."""

    __tablename__ = "recovery_codes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
