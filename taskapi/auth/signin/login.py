"""Signing in: the password check, then the email and second-factor requirements."""

from flask import current_app

from taskapi.auth.audit.events import record_failure, record_if_locked
from taskapi.auth.credentials.accounts import find_user_by_username
from taskapi.auth.credentials.failure_budget import account_key, unknown_name_key, within_budget
from taskapi.auth.credentials.passwords import burn_equal_time, hash_password, needs_rehash, verify_password
from taskapi.auth.factors.two_factor import MFA_INVALID, MFA_REQUIRED, accept_second_factor, require_second_factor
from taskapi.auth.signin.second_step import issue_mfa_token, open_mfa_token, spend_mfa_token
from taskapi.errors import DomainError, bearer_challenge
from taskapi.extensions import db
from taskapi.signals import SecurityEventType

BAD_CREDENTIALS = "Incorrect username or password"
ACCOUNT_DISABLED = "Account is disabled"
EMAIL_NOT_VERIFIED = "Email address not verified: confirm it with the link we sent, or ask for a new one"


def authenticate(username, password):
    """The active user with these credentials.

    An unknown username costs the same bcrypt work as a wrong password, and both get
    the same 401; a disabled account is only revealed after a correct password. Each
    attempt first takes a unit of the account's failure budget (of the name tried, for a
    name nobody has), so a spent budget answers 429 before the password is looked at.

    :raises DomainError 401: unknown user or wrong password
    :raises DomainError 403: correct password, disabled account
    :raises DomainError 429: the account's failure budget is spent
    """
    user = find_user_by_username(username)
    password_hash = user.password_hash if user is not None else None
    # Hashing waits a quarter of a second or more for the bcrypt pool: end the read first, so a
    # burst of logins holds no pooled database connections while it waits. Closing (not a commit or
    # a rollback) keeps what was read loaded; ``user`` joins the session again without a read.
    db.session.close()
    if user is not None:
        db.session.add(user)

    def password_matches():
        if password_hash is None:
            burn_equal_time(password)
            return False
        return verify_password(password, password_hash)

    key = account_key(user) if user is not None else unknown_name_key(username)
    if not record_if_locked(user, lambda: within_budget(key, password_matches)):
        # Without the typed name when nobody has it: people type passwords into the username field.
        record_failure(SecurityEventType.LOGIN_FAILED, user, reason="password")
        raise DomainError(401, BAD_CREDENTIALS, headers=bearer_challenge(token_rejected=False))
    if not user.is_active:
        record_failure(SecurityEventType.LOGIN_FAILED, user, reason="disabled")
        raise DomainError(403, ACCOUNT_DISABLED)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def check_login_factors(user, otp):
    """After a correct password: a verified email when required, then the second factor if enabled.

    :raises DomainError 403: email not verified while REQUIRE_VERIFIED_EMAIL is on (admins are exempt)
    :raises DomainError 401: 2FA on and no ``otp`` (``error: mfa_required``, with an ``mfa_token`` for the
        second step), or see ``require_second_factor``
    """
    require_verified_email(user)
    if user.totp_enabled and not otp:  # the explicit second step: POST /auth/login/2fa with this token
        raise DomainError(401, MFA_REQUIRED, headers=bearer_challenge(token_rejected=False), error="mfa_required",
                          mfa_token=issue_mfa_token(user))
    require_second_factor(user, otp)


def complete_second_step(mfa_token, otp):
    """The user whose sign-in ``mfa_token`` started, once ``otp`` is right; no second password check.

    :raises DomainError 401: a bad, expired or spent token (``error: mfa_token_invalid``); a wrong, spent or
        replayed code (``error: mfa_invalid``)
    :raises DomainError 403: the account was disabled meanwhile
    :raises DomainError 429: the account's failure budget is spent; the code is not checked
    """
    step, user = open_mfa_token(mfa_token)
    step_id = step.id
    if not record_if_locked(user, lambda: within_budget(account_key(user), lambda: accept_second_factor(user, otp))):
        record_failure(SecurityEventType.LOGIN_FAILED, user, reason="code")
        raise DomainError(401, MFA_INVALID, headers=bearer_challenge(token_rejected=False), error="mfa_invalid")
    if not user.is_active:
        record_failure(SecurityEventType.LOGIN_FAILED, user, reason="disabled")
        raise DomainError(403, ACCOUNT_DISABLED)
    spend_mfa_token(step_id)
    return user


def require_verified_email(user):
    """Refuse a sign-in while REQUIRE_VERIFIED_EMAIL is on and ``user``'s email is unverified (admins are exempt).

    :raises DomainError 403: ``error: email_not_verified``
    """
    if current_app.config["REQUIRE_VERIFIED_EMAIL"] and not user.email_verified and not user.is_admin:
        raise DomainError(403, EMAIL_NOT_VERIFIED, error="email_not_verified")
