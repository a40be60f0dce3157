"""Accounts: find users by name or email, create them (the API and the CLI share this), change an email."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from taskapi.auth.events import record
from taskapi.auth.passwords import hash_password
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import User

USERNAME_TAKEN = "Username already registered"
EMAIL_TAKEN = "Email already registered"


def find_user_by_username(username):
    """The user whose username matches case-insensitively, or None."""
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def find_user_by_email(email):
    """The user whose email matches case-insensitively, or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def registration_conflict(username, email):
    """The 400 detail when the username or email is taken, else None."""
    if find_user_by_username(username) is not None:
        return USERNAME_TAKEN
    if email and find_user_by_email(email) is not None:
        return EMAIL_TAKEN
    return None


def create_user(username, password, email=None, role="user"):
    """Insert a user, refusing a taken name or email, even when two requests race.

    :raises DomainError 400: username or email already registered
    """
    conflict = registration_conflict(username, email)
    if conflict:
        raise DomainError(400, conflict)
    user = User(username=username, email=email, role=role, password_hash=hash_password(password))
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Lost a race with a concurrent registration: answer like the pre-check does.
        db.session.rollback()
        raise DomainError(400, registration_conflict(username, email) or USERNAME_TAKEN) from None
    return user


def change_email(user, email):
    """Give ``user`` the address ``email`` (None removes it). Commits.

    An address another account already has is not stored, yet ``user`` is left showing it (taken
    out of the session, so nothing is written): the answer is the same as for a free address, and
    PATCH /users/me cannot be used to learn which addresses are registered.
    """
    other = find_user_by_email(email) if email else None
    changed = (email or "").lower() != (user.email or "").lower()
    if changed:
        user.email_verified = False  # a new address is unproven until its own link is used
    user.email = email
    if other is not None and other.id != user.id:
        db.session.expunge(user)
        return
    if changed:
        record("email.changed", user)
    try:
        db.session.commit()
    except IntegrityError:
        # Lost a race for the address with another account: answer as for a taken one.
        db.session.rollback()
        db.session.refresh(user)
        user.email, user.email_verified = email, False
        db.session.expunge(user)
