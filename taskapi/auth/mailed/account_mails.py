"""The account mails: the request issues the token in its own transaction, a job renders and sends it.

A job runs late, perhaps after the account was deleted or its password changed, so it carries
the token sealed with the account's security stamp (``deferred``) and sends nothing when either
is no longer true. For a password reset the request does the same work for a known and an
unknown address: one lookup, one sealed argument, one job (which sends nothing for a stand-in).
"""

import logging

from flask import current_app

from taskapi.auth.credentials.accounts import find_user_by_email
from taskapi.auth.limits import check_recipient_limited
from taskapi.auth.mailed.deferred import SealedToken, issue_sealed, open_sealed, stand_in
from taskapi.jobs import enqueue_after_commit, job
from taskapi.mail.messages import send_password_reset_mail, send_verification_mail
from taskapi.models import TokenPurpose, User

log = logging.getLogger("taskapi.jobs")


def queue_password_reset(email: str) -> None:
    """Issue a reset token if an active account has ``email``, and queue its mail once that is committed.

    :raises DomainError 503: the queue cannot be written
    """
    check_recipient_limited(email)
    user = find_user_by_email(email)
    if user is not None and user.is_active:
        sealed = issue_sealed(user, TokenPurpose.PASSWORD_RESET, current_app.config["PASSWORD_RESET_MAX_AGE"])
    else:
        sealed = stand_in()
    enqueue_after_commit(mail_password_reset, sealed)


@job
def mail_password_reset(sealed: SealedToken):
    """Mail the sealed reset token, if it is still live for an account that still has the stamp."""
    opened = open_sealed(sealed, TokenPurpose.PASSWORD_RESET)
    if opened is not None:
        send_password_reset_mail(*opened)


@job
def mail_verification(sealed: SealedToken):
    """Mail the sealed verification token, unless it died or the address was verified meanwhile."""
    opened = open_sealed(sealed, TokenPurpose.VERIFY_EMAIL)
    if opened is not None and not opened[0].email_verified:
        send_verification_mail(*opened)


def queue_verification_mail(user: User, best_effort: bool = False) -> None:
    """Issue ``user`` a verification token, and queue its mail once that is committed; with ``best_effort``
    a queue outage is logged, not raised.

    :raises DomainError 503: the queue cannot be written (unless ``best_effort``)
    """
    check_recipient_limited(user.email)
    sealed = issue_sealed(user, TokenPurpose.VERIFY_EMAIL, current_app.config["EMAIL_VERIFICATION_MAX_AGE"])
    user_id = user.id

    def logged(error: Exception) -> None:
        log.warning("no verification mail queued for user %s (queue unavailable); it can be asked for again",
                    user_id)

    enqueue_after_commit(mail_verification, sealed, if_unavailable=logged if best_effort else None)
