"""The periodic job that mails a token's owner seven days before the token expires, once."""

import logging
from datetime import timedelta

from huey import crontab
from sqlalchemy import select, update

from taskapi.extensions import db
from taskapi.jobs import enqueue_after_commit, job, periodic_job
from taskapi.mail.messages import send_token_expiry_mail
from taskapi.models import AccessToken, User, utcnow

REMIND_BEFORE = timedelta(days=7)

log = logging.getLogger("taskapi.jobs")


@periodic_job(crontab(minute="23"))
def queue_token_expiry_reminders():
    """Claim every token expiring within seven days that was not reminded yet, and queue one mail each."""
    now = utcnow()
    due = select(AccessToken.id).where(AccessToken.reminded_at.is_(None), AccessToken.expires_at > now,
                                       AccessToken.expires_at <= now + REMIND_BEFORE)
    claimed = []
    for token_id in db.session.scalars(due).all():
        # A conditional claim: of two consumers running the scan together, one sends the mail.
        won = db.session.execute(update(AccessToken).where(AccessToken.id == token_id,
                                                           AccessToken.reminded_at.is_(None))
                                 .values(reminded_at=now)).rowcount
        if won:
            claimed.append(token_id)
            enqueue_after_commit(mail_token_expiry_reminder, token_id)
    log.info("queued %d access token expiry reminders", len(claimed))
    return claimed


@job
def mail_token_expiry_reminder(token_id):
    """Mail the owner of token ``token_id`` (if it still exists and they have an address) that it expires soon."""
    row = db.session.execute(select(AccessToken, User).join(User, User.id == AccessToken.user_id)
                             .where(AccessToken.id == token_id)).first()
    if row is None or not row.User.email:
        return
    send_token_expiry_mail(row.User, row.AccessToken.name, row.AccessToken.last_four, row.AccessToken.expires_at)
