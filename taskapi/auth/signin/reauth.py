"""Re-authentication before sensitive changes: the caller proves they hold the password and, with 2FA on, a code.

This is the one mechanism every sensitive change goes through (``reauthenticate``), so step-up is
enforced in one place: on an account with 2FA on, the password alone is never enough, since it is
the factor an attacker is likeliest to hold; the body must also carry ``otp`` (a TOTP or recovery
code), or the answer is 401 ``mfa_required`` before anything is checked.

Every check takes a unit of the account's failure budget first (``failure_budget``), shared
with its logins: a stolen access token is no oracle for the password or the codes. Every failed
check, and every check refused by a spent budget, leaves a ``reauth.failed`` event naming the
purpose and the factor, never the secret.
"""

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from flask_jwt_extended import current_user

from taskapi.auth.audit.events import record_failure
from taskapi.auth.credentials.failure_budget import account_key, within_budget
from taskapi.auth.credentials.passwords import verify_password
from taskapi.auth.factors.two_factor import accept_second_factor, accept_totp
from taskapi.errors import DomainError, unauthorized
from taskapi.signals import SecurityEventType

WRONG_PASSWORD = "Current password is incorrect"
WRONG_TOTP = "Incorrect code: check the authenticator app and the device clock"
WRONG_CODE = "Incorrect or already used code"
STEP_UP_REQUIRED = ("Two-factor authentication is on: send a code from the authenticator app (or a recovery code) "
                    "as otp beside current_password")


class Purpose(StrEnum):
    """What a re-authentication is for, as its ``reauth.failed`` events name it."""

    PASSWORD_CHANGE = "password_change"
    ACCOUNT_UPDATE = "account_update"
    ACCOUNT_DELETE = "account_delete"
    TWO_FACTOR_SETUP = "2fa_setup"
    TWO_FACTOR_ENABLE = "2fa_enable"
    TWO_FACTOR_DISABLE = "2fa_disable"
    PASSKEY_ADD = "passkey_add"
    PASSKEY_REMOVE = "passkey_remove"
    ACCESS_TOKEN_CREATE = "access_token_create"


# Declared on each such operation in /openapi.json: what it re-authenticates for.
REAUTH_EXTENSION = "x-reauthentication"
WRONG_SECRET = "Current password (or, with 2FA on, otp) is incorrect"
BUDGET_SPENT = "Too many failures for this account; nothing was checked"
REAUTH_DOC = ("Re-authenticates: the body carries current_password and, when the account has 2FA on, otp "
              "(without it: 401, error mfa_required); a wrong one answers 400 and spends a unit of the "
              "account's failure budget (429 once spent).")


class Factor(StrEnum):
    """The secret a failed re-authentication got wrong."""

    PASSWORD = "password"
    CODE = "code"


def reauthenticate(user, data: dict, purpose: Purpose) -> None:
    """Refuse unless ``data`` proves the caller is ``user``: ``current_password``, plus ``otp`` when 2FA is on.

    Use it for every sensitive change, credentials included, before the request writes anything.

    :raises DomainError 401: 2FA is on and ``otp`` is missing (``error: mfa_required``); nothing is checked
    :raises DomainError 400: wrong password, or a wrong, spent or replayed code
    :raises DomainError 429: the account's failure budget is spent; nothing is checked
    """
    otp = data.get("otp")
    if user.totp_enabled and not otp:
        raise unauthorized(STEP_UP_REQUIRED, token_rejected=False, error="mfa_required")
    confirm_current_password(user, data.get("current_password"), purpose)
    if user.totp_enabled:
        confirm_second_factor(user, otp, purpose)


def budgeted_check(user, purpose, factor, check):
    """``check()`` under the account's budget; a failure, or a spent budget, leaves a ``reauth.failed`` event."""
    try:
        accepted = within_budget(account_key(user), check)
    except DomainError as error:
        if error.status == 429:
            record_failure(SecurityEventType.REAUTH_FAILED, user, purpose=str(purpose), factor=str(factor),
                           reason="locked")
        raise
    if not accepted:
        record_failure(SecurityEventType.REAUTH_FAILED, user, purpose=str(purpose), factor=str(factor), reason="wrong")
    return accepted


def confirm_current_password(user, password, purpose: Purpose) -> None:
    """Refuse unless ``password`` is ``user``'s current password.

    :raises DomainError 400: wrong password (recorded as ``reauth.failed``)
    :raises DomainError 429: the account's failure budget is spent; the password is not checked
    """
    def matches():
        return isinstance(password, str) and verify_password(password, user.password_hash)

    if not budgeted_check(user, purpose, Factor.PASSWORD, matches):
        raise DomainError(400, WRONG_PASSWORD)


def confirm_second_factor(user, code, purpose: Purpose, *, totp_only=False) -> None:
    """Refuse unless ``code`` is a fresh TOTP code (or, unless ``totp_only``, an unused recovery code).

    A right code is spent in the request's transaction.

    :raises DomainError 400: wrong, spent or replayed code (recorded as ``reauth.failed``)
    :raises DomainError 429: the account's failure budget is spent; the code is not checked
    """
    def accepted():
        if totp_only:
            return isinstance(code, str) and accept_totp(user, code.strip())
        return accept_second_factor(user, code)

    if not budgeted_check(user, purpose, Factor.CODE, accepted):
        raise DomainError(400, WRONG_TOTP if totp_only else WRONG_CODE)


def reauthenticated(bp: Any, purpose: Purpose, conflict: Callable[[Any], str | None] | None = None) -> Callable:
    """Decorator: ``reauthenticate`` the caller with the parsed body before the view runs, and document it.

    Place it under ``@bp.arguments`` (it reads the body once validated). ``conflict(user)``, when
    given, names a state that refuses the operation whatever the password: 409, before any check.
    """
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if conflict is not None and (message := conflict(current_user)):
                raise DomainError(409, message)
            reauthenticate(current_user, args[-1], purpose)  # the body: flask-smorest appends it
            return view(*args, **kwargs)

        wrapper = bp.doc(**{REAUTH_EXTENSION: str(purpose)})(wrapper)
        wrapper = bp.alt_response(400, description=WRONG_SECRET)(wrapper)
        return bp.alt_response(429, description=BUDGET_SPENT)(wrapper)
    return decorator
