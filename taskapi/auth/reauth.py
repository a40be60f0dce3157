"""Re-authentication before sensitive changes: the caller proves they hold the password (and second factor)."""

from taskapi.auth.passwords import verify_password
from taskapi.auth.two_factor import accept_second_factor, accept_totp
from taskapi.errors import DomainError
from taskapi.extensions import db

WRONG_PASSWORD = "Current password is incorrect"
WRONG_TOTP = "Incorrect code: check the authenticator app and the device clock"
WRONG_CODE = "Incorrect or already used code"


def confirm_current_password(user, password):
    """Refuse unless ``password`` is ``user``'s current password.

    :raises DomainError 400: wrong password
    """
    if not isinstance(password, str) or not verify_password(password, user.password_hash):
        raise DomainError(400, WRONG_PASSWORD)


def confirm_second_factor(user, code, *, totp_only=False):
    """Refuse unless ``code`` is a fresh TOTP code (or, unless ``totp_only``, an unused recovery code).

    :raises DomainError 400: wrong, spent or replayed code
    """
    accepted = accept_totp(user, code.strip()) if totp_only else accept_second_factor(user, code)
    if not accepted:
        db.session.rollback()
        raise DomainError(400, WRONG_TOTP if totp_only else WRONG_CODE)
