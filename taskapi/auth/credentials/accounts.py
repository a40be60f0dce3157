"""Accounts: find users by name or email, create them (the API and the CLI share this)."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from taskapi.auth.credentials.passwords import hash_password
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.identifiers import canonical_email, canonical_username
from taskapi.models import SiteRole, User

USERNAME_TAKEN = "Username already registered"
EMAIL_TAKEN = "Email already registered"


def find_user_by_username(username):
    """The user whose username has the same canonical form, or None."""
    return db.session.scalar(select(User).where(func.lower(User.username) == canonical_username(username)))


def find_user_by_email(email):
    """The user whose email has the same canonical form, or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == canonical_email(email)))


def registration_conflict(username, email):
    """The 400 detail when the username or email is taken, else None."""
    if find_user_by_username(username) is not None:
        return USERNAME_TAKEN
    if email and find_user_by_email(email) is not None:
        return EMAIL_TAKEN
    return None


def create_user(username, password, email=None, role=SiteRole.USER):
    """Insert a user, refusing a taken name or email, even when two requests race.

    :raises DomainError 400: username or email already registered
    """
    conflict = registration_conflict(username, email)
    if conflict:
        raise DomainError(400, conflict)
    user = User(username=username, email=email, role=role, password_hash=hash_password(password))
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Lost a race with a concurrent registration: answer like the pre-check does.
        db.session.rollback()
        raise DomainError(400, registration_conflict(username, email) or USERNAME_TAKEN) from None
    return user

