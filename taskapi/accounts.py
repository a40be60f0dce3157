"""Account services shared by the API and the CLI: create, find and authenticate users."""

from flask import current_app
from flask_smorest import abort
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from taskapi.extensions import db
from taskapi.models import User
from taskapi.passwords import burn_equal_time, hash_password, needs_rehash, verify_password
from taskapi.two_factor import accept_second_factor

USERNAME_TAKEN = "Username already registered"
EMAIL_TAKEN = "Email already registered"
BAD_CREDENTIALS = "Incorrect username or password"
ACCOUNT_DISABLED = "Account is disabled"
EMAIL_NOT_VERIFIED = "Email address not verified: confirm it with the link we sent, or ask for a new one"
MFA_REQUIRED = "Two-factor code required: send the code from your authenticator app as otp"
MFA_INVALID = "Incorrect or already used two-factor code"
CHALLENGE = {"WWW-Authenticate": "Bearer"}


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
    """Insert a user, answering 400 for a taken name or email, even when two requests race.

    :raises 400: username or email already registered
    """
    conflict = registration_conflict(username, email)
    if conflict:
        abort(400, message=conflict)
    user = User(username=username, email=email, role=role, password_hash=hash_password(password))
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Lost a race with a concurrent registration: answer like the pre-check does.
        db.session.rollback()
        abort(400, message=registration_conflict(username, email) or USERNAME_TAKEN)
    return user


def authenticate(username, password):
    """The active user with these credentials.

    An unknown username costs the same bcrypt work as a wrong password, and both get
    the same 401; a disabled account is only revealed after a correct password.

    :raises 401: unknown user or wrong password
    :raises 403: correct password, disabled account
    """
    user = find_user_by_username(username)
    password_hash = user.password_hash if user is not None else None
    # Hashing waits a quarter of a second or more for the bcrypt pool: end the read first, so a
    # burst of logins holds no pooled database connections while it waits.
    db.session.commit()
    if password_hash is None:
        burn_equal_time(password)
        abort(401, message=BAD_CREDENTIALS, headers=CHALLENGE)
    if not verify_password(password, password_hash):
        abort(401, message=BAD_CREDENTIALS, headers=CHALLENGE)
    if not user.is_active:
        abort(403, message=ACCOUNT_DISABLED)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def check_login_factors(user, otp):
    """After a correct password: a verified email when required, then the second factor if enabled.

    :raises 403: email not verified while REQUIRE_VERIFIED_EMAIL is on (admins are exempt)
    :raises 401: 2FA on and no code (``error: mfa_required``), or a wrong, spent or replayed code
    """
    if current_app.config["REQUIRE_VERIFIED_EMAIL"] and not user.email_verified and not user.is_admin:
        abort(403, message=EMAIL_NOT_VERIFIED, extra={"error": "email_not_verified"})
    if not user.totp_enabled:
        return
    if not otp:
        abort(401, message=MFA_REQUIRED, headers=CHALLENGE, extra={"error": "mfa_required"})
    if not accept_second_factor(user, otp):
        db.session.rollback()
        abort(401, message=MFA_INVALID, headers=CHALLENGE, extra={"error": "mfa_invalid"})
