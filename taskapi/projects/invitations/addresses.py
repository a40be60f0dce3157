"""The invited address in taskapi's one canonical form, compared with an account's verified one."""

from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.http.identifiers import canonical_email
from taskapi.models import User


def canonical_address(email: str) -> str | None:
    """``email`` in its canonical form (taskapi.http.identifiers.canonical_email), or None if it is no address."""
    try:
        return canonical_email(email, strict=True)
    except ValueError:  # email-validator's EmailNotValidError is a ValueError
        return None


def verified_address(user: User) -> str | None:
    """The canonical form of ``user``'s email when the account has verified it, else None."""
    if not user.email or not user.email_verified:
        return None
    return canonical_email(user.email)


def verified_account_id(address: str) -> int | None:
    """The id of the active account that verified ``address`` (canonical), or None."""
    return db.session.scalar(select(User.id).where(func.lower(User.email) == address, User.email_verified,
                                                   User.is_active))
