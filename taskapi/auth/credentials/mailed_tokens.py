"""Single-use mailed tokens: 256 random bits, stored only as a SHA-256 digest, spent atomically."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.identifiers import canonical_email
from taskapi.models import AccountToken, TokenPurpose, User, utcnow

INVALID_TOKEN = "The token is invalid, expired or already used"


def digest(token):
    """SHA-256 hex of a token: enough for 256-bit random secrets, and lookups stay indexed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, max_age: timedelta, email: str | None = None) -> str:
    """Create a token for ``email`` (default: ``user``'s current one), replacing any unused one of the same purpose.

    Returns the token itself: the database keeps only its digest, the queue only its sealed form
    (``deferred``), the mail the token.
    """
    invalidate_tokens(user, purpose)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(AccountToken(token_hash=digest(token), user_id=user.id, purpose=str(purpose),
                                email=email or user.email, created_at=now, expires_at=now + max_age))
    return token


def invalidate_tokens(user: User, purpose: TokenPurpose | None = None) -> None:
    """Forget every outstanding token of ``purpose`` (default: every purpose) for ``user``.

    A later request replaces the earlier token; a password change or reset voids them all, so no
    token issued before it works after it, whenever its mail goes out.
    """
    condition = AccountToken.purpose == purpose if purpose else AccountToken.purpose.is_not(None)
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == user.id, condition))


def find_token(token: str, purpose: TokenPurpose) -> tuple[AccountToken, User]:
    """The (row, user) of a live token, without spending it.

    :raises DomainError 400: unknown, expired, already used, or mailed to an address the account no longer has
    """
    row, user = find_live_token(token, purpose)
    if canonical_email(user.email or "") != canonical_email(row.email):
        raise DomainError(400, INVALID_TOKEN)
    return row, user


def find_live_token(token: str, purpose: TokenPurpose) -> tuple[AccountToken, User]:
    """The (row, user) of an unused, unexpired token of an active account, whatever address it was mailed to.

    Only for an email change, whose token is mailed to an address the account does not have yet.

    :raises DomainError 400: unknown, expired, already used, or the account is gone or disabled
    """
    row = db.session.scalar(select(AccountToken).where(AccountToken.token_hash == digest(token),
                                                       AccountToken.purpose == purpose))
    user = db.session.get(User, row.user_id) if row is not None else None
    if row is None or user is None or row.used_at is not None or row.expires_at <= utcnow() or not user.is_active:
        raise DomainError(400, INVALID_TOKEN)
    return row, user


def spend_token(row):
    """Mark a token used with one conditional UPDATE, so of two racing requests one wins.

    :raises DomainError 400: another request spent it first
    """
    spent = db.session.execute(
        update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_at.is_(None)).values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        raise DomainError(400, INVALID_TOKEN)


def purge_expired_tokens():
    """Delete expired and used account tokens; returns how many."""
    return db.session.execute(
        delete(AccountToken).where((AccountToken.expires_at <= utcnow()) | AccountToken.used_at.is_not(None))
    ).rowcount
