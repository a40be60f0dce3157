"""The canonical form of an invited address, compared with an account's verified one."""

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import User


def canonical_address(email: str) -> str | None:
    """``email`` normalised as account emails are (email-validator), then lower-cased; None if it is no address.

    Accounts store the normalised form and compare it lower-cased (``find_user_by_email``).
    """
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def verified_address(user: User) -> str | None:
    """The canonical form of ``user``'s email when the account has verified it, else None."""
    if not user.email or not user.email_verified:
        return None
    return canonical_address(user.email) or user.email.lower()


def verified_account_id(address: str) -> int | None:
    """The id of the active account that verified ``address`` (canonical), or None."""
    return db.session.scalar(select(User.id).where(func.lower(User.email) == address, User.email_verified,
                                                   User.is_active))
