"""Passkeys (WebAuthn credentials) and the single-use challenges of their ceremonies."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from taskapi.extensions import Model
from taskapi.models.types import UTCDateTime, utcnow

CEREMONIES = ("register", "login")


class Passkey(Model):
    """A WebAuthn credential of an account: its id and public key, never a private key."""

    __tablename__ = "passkeys"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)  # base64url, up to 1023 bytes
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # COSE_Key, as py_webauthn verifies it
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(64))
    transports: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebAuthnChallenge(Model):
    """A challenge issued for one ceremony (and, for registration, one account); spent once."""

    __tablename__ = "webauthn_challenges"
    __table_args__ = (CheckConstraint("ceremony IN ('register', 'login')", name="ck_webauthn_challenges_ceremony"),)

    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    challenge: Mapped[str] = mapped_column(String(86), unique=True)  # base64url of 64 random bytes
    ceremony: Mapped[str] = mapped_column(String(10))
    # Registration: the account it was issued to. Sign-in: the account named, or None (discoverable).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Sign-in for a typed name: its keyed hash, whether or not anybody has the name (no account oracle).
    name_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
