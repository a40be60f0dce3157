"""Re-authentication before sensitive changes: the caller proves they know the current password."""

from taskapi.auth.passwords import verify_password
from taskapi.errors import DomainError

WRONG_PASSWORD = "Current password is incorrect"


def confirm_current_password(user, password):
    """Refuse unless ``password`` is ``user``'s current password.

    :raises DomainError 400: wrong password
    """
    if not isinstance(password, str) or not verify_password(password, user.password_hash):
        raise DomainError(400, WRONG_PASSWORD)
