"""Re-authentication before sensitive changes: the caller proves they hold the password (and second factor).

Every check takes a unit of the account's failure budget first (``failure_budget``), shared
with its logins: a stolen access token is no oracle for the password or the codes.
"""

from taskapi.auth.failure_budget import account_key, within_budget
from taskapi.auth.passwords import verify_password
from taskapi.auth.two_factor import accept_second_factor, accept_totp
from taskapi.errors import DomainError
from taskapi.extensions import db

WRONG_PASSWORD = "Current password is incorrect"
WRONG_TOTP = "Incorrect code: check the authenticator app and the device clock"
WRONG_CODE = "Incorrect or already used code"


def confirm_current_password(user, password):
    """Refuse unless ``password`` is ``user``'s current password. Commits the session.

    :raises DomainError 400: wrong password
    :raises DomainError 429: the account's failure budget is spent; the password is not checked
    """
    def matches():
        return isinstance(password, str) and verify_password(password, user.password_hash)

    if not within_budget(account_key(user), matches):
        raise DomainError(400, WRONG_PASSWORD)


def confirm_second_factor(user, code, *, totp_only=False):
    """Refuse unless ``code`` is a fresh TOTP code (or, unless ``totp_only``, an unused recovery code).

    Commits the session, with the code spent, when the code is right.

    :raises DomainError 400: wrong, spent or replayed code
    :raises DomainError 429: the account's failure budget is spent; the code is not checked
    """
    def accepted():
        if totp_only:
            return isinstance(code, str) and accept_totp(user, code.strip())
        return accept_second_factor(user, code)

    if not within_budget(account_key(user), accepted):
        db.session.rollback()
        raise DomainError(400, WRONG_TOTP if totp_only else WRONG_CODE)
