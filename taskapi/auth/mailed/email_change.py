"""Email change by confirmation: PATCH /users/me asks, a token mailed to the new address applies it.

The request issues the token in its own transaction (when the address is free) and queues one
job either way, with the account's security stamp: the job mails the sealed token, or, for an
address another account has, a note saying so, and nothing at all once the account was deleted
or its password changed. The answer is the same whether or not the address is taken.
"""

from flask import current_app
from sqlalchemy.exc import IntegrityError

from taskapi.auth.audit.events import client_ip, client_user_agent, record
from taskapi.auth.credentials.accounts import find_user_by_email
from taskapi.auth.credentials.mailed_tokens import INVALID_TOKEN, find_live_token, invalidate_tokens, spend_token
from taskapi.auth.limits import check_recipient_limited
from taskapi.auth.mailed.deferred import SealedToken, issue_sealed, open_sealed, stamp_matches, stand_in
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.jobs import enqueue, enqueue_after_commit, job
from taskapi.mail.messages import (
    send_email_change_mail,
    send_email_change_requested_mail,
    send_email_removed_mail,
    send_email_taken_mail,
)
from taskapi.models import TokenPurpose, User, utcnow
from taskapi.signals import SecurityEventType

CHANGE_REQUESTED = ("A confirmation token is on its way to the new address; "
                    "the email changes once it is redeemed with POST /auth/email-change.")


def request_context():
    """When and from where the request came, for the notice to the old address (no secret in it)."""
    return {"at": utcnow().strftime("%Y-%m-%d %H:%M UTC"), "ip": client_ip(), "user_agent": client_user_agent()}


def request_email_change(user, email):
    """Issue the token for ``email`` (if no other account has it), and queue its mail and the notice to
    the current address once that is committed.

    :raises DomainError 503: the queue cannot be written (the token is issued and the request recorded)
    """
    check_recipient_limited(email)
    other = find_user_by_email(email)
    if other is None or other.id == user.id:
        max_age = current_app.config["EMAIL_VERIFICATION_MAX_AGE"]
        sealed = issue_sealed(user, TokenPurpose.EMAIL_CHANGE, max_age, email=email)
    else:
        sealed = stand_in(user)
    enqueue_after_commit(mail_email_change, user.id, email, sealed)
    if user.email:
        enqueue_after_commit(mail_email_change_requested, user.id, user.email, email, request_context())
    record(SecurityEventType.EMAIL_CHANGE_REQUESTED, user)


def remove_email(user):
    """Remove ``user``'s address at once (nothing to confirm) and tell that address.

    :raises DomainError 503: the queue cannot be written (nothing is changed)
    """
    if user.email is None:
        return
    check_recipient_limited(user.email)
    # Queued first, so an outage changes nothing; the job tells the address it is given, whatever is committed.
    enqueue(mail_email_removed, user.id, user.email, request_context())
    user.email, user.email_verified = None, False
    invalidate_tokens(user, TokenPurpose.VERIFY_EMAIL)
    record(SecurityEventType.EMAIL_CHANGED, user, removed=True)


def confirm_email_change(token):
    """Give the account the address the token was mailed to, as verified (the token reached it).

    :raises DomainError 400: invalid, expired or used token, or the address was taken in the meantime
    """
    row, user = find_live_token(token, TokenPurpose.EMAIL_CHANGE)
    other = find_user_by_email(row.email)
    if other is not None and other.id != user.id:
        raise DomainError(400, INVALID_TOKEN)
    spend_token(row)
    invalidate_tokens(user, TokenPurpose.VERIFY_EMAIL)  # before the new address is set: its DELETE would autoflush it
    previous = user.email
    user.email, user.email_verified = row.email, True
    record(SecurityEventType.EMAIL_CHANGED, user, old_email=previous)  # the notice goes to both addresses
    try:
        db.session.flush()
    except IntegrityError:
        # Lost a race for the address with another account: same answer as a taken one.
        db.session.rollback()
        raise DomainError(400, INVALID_TOKEN) from None


@job
def mail_email_change(user_id, email, sealed: SealedToken):
    """Mail ``email`` the sealed token that moves the account there, or, for a taken address, say so."""
    opened = open_sealed(sealed, TokenPurpose.EMAIL_CHANGE, same_address=False)
    if opened is not None:
        send_email_change_mail(opened[0], email, opened[1])
        return
    user, other = db.session.get(User, user_id), find_user_by_email(email)
    if user is None or not stamp_matches(user, sealed.stamp) or not user.is_active:
        return
    if other is not None and other.id != user.id:
        send_email_taken_mail(email)


@job
def mail_email_change_requested(user_id, old_email, new_email, context):
    """Tell the old address that a move to ``new_email`` was asked for (nothing in it grants anything)."""
    user = db.session.get(User, user_id)
    if user is not None:
        send_email_change_requested_mail(user, old_email, new_email, context)


@job
def mail_email_removed(user_id, old_email, context):
    """Tell the removed address that the account no longer uses it."""
    user = db.session.get(User, user_id)
    if user is not None:
        send_email_removed_mail(user, old_email, context)
