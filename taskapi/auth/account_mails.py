"""The account mails as jobs: the consumer looks the account up, issues the token and sends.

The token is made inside the job, so it never sits in the queue's storage, and a retry makes a
fresh one (voiding the undelivered one). For a password reset even the lookup happens here:
the request does the same work for a known and an unknown address.
"""

import logging

from flask import current_app

from taskapi.auth.accounts import find_user_by_email
from taskapi.auth.mailed_tokens import issue_token, issue_verification_token
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.jobs import enqueue, job
from taskapi.mail.messages import send_password_reset_mail, send_verification_mail
from taskapi.models import User

log = logging.getLogger("taskapi.jobs")


@job
def mail_password_reset(email):
    """If an active account has ``email``, give it a new reset token and mail it."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = issue_token(user, "password_reset", current_app.config["PASSWORD_RESET_MAX_AGE"])
    db.session.commit()
    send_password_reset_mail(user, token)


@job
def mail_verification(user_id):
    """Mail a fresh verification token to the account's current address, unless already verified."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.email or user.email_verified:
        return
    send_verification_mail(user, issue_verification_token(user))


def queue_verification_mail(user, best_effort=False):
    """Queue ``user``'s verification mail; with ``best_effort`` a queue outage is logged, not raised.

    :raises DomainError 503: the queue cannot be written (unless ``best_effort``)
    """
    try:
        enqueue(mail_verification, user.id)
    except DomainError:
        if not best_effort:
            raise
        log.warning("no verification mail queued for user %s (queue unavailable); it can be asked for again",
                    user.id)
