"""Email verification: ask for a mail with a token, then redeem the token to mark the address verified."""

from taskapi.auth.audit.events import record
from taskapi.auth.credentials.mailed_tokens import find_token, spend_token
from taskapi.auth.mailed.account_mails import queue_verification_mail
from taskapi.errors import DomainError
from taskapi.models import TokenPurpose, User
from taskapi.signals import SecurityEventType

NO_ADDRESS = "This account has no email address; add one with PATCH /users/me first"
ALREADY_VERIFIED = "This email address is already verified"


def request_verification(user: User) -> None:
    """Queue a verification mail to ``user``'s address once the request commits.

    :raises DomainError 409: no address on the account, or it is verified already
    :raises DomainError 503: the queue cannot be written
    """
    if not user.email:
        raise DomainError(409, NO_ADDRESS)
    if user.email_verified:
        raise DomainError(409, ALREADY_VERIFIED)
    queue_verification_mail(user)


def verify_email(token: str) -> User:
    """Mark the address a verification token was mailed to as verified, spending the token.

    :raises DomainError 400: invalid, expired or used token, or one mailed to an earlier address
    """
    row, user = find_token(token, TokenPurpose.VERIFY_EMAIL)
    spend_token(row)
    user.email_verified = True
    record(SecurityEventType.EMAIL_VERIFIED, user)
    return user
