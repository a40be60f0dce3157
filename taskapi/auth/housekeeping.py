"""Daily housekeeping of the auth tables, run by the jobs consumer (and by ``flask tokens purge``)."""

import logging
from datetime import timedelta

from flask import current_app
from huey import crontab

from taskapi.auth.activity import purge_old_events
from taskapi.auth.credentials.failure_budget import purge_ended_windows
from taskapi.auth.credentials.mailed_tokens import purge_expired_tokens
from taskapi.auth.factors.passkeys import purge_spent_challenges
from taskapi.auth.sessions.access_tokens import purge_expired_tokens as purge_expired_access_tokens
from taskapi.auth.sessions.sessions import purge_expired
from taskapi.jobs import periodic_job
from taskapi.models import utcnow

log = logging.getLogger("taskapi.jobs")
# An expired access token stays listed (so its owner sees what stopped working) for this long.
EXPIRED_TOKENS_KEPT = timedelta(days=30)


@periodic_job(crontab(hour="3", minute="17"))
def purge_expired_rows():
    """Delete expired or revoked sessions and tokens, ended failure windows, spent passkey challenges, old events.

    Returns ``(rows, events)``: how many expired or revoked rows and how many security events went.
    """
    removed = purge_expired() + purge_expired_tokens() + purge_ended_windows() + purge_spent_challenges()
    removed += purge_expired_access_tokens(utcnow() - EXPIRED_TOKENS_KEPT)
    events = purge_old_events(current_app.config["SECURITY_EVENT_RETENTION"])
    log.info("housekeeping removed %d expired or revoked rows and %d security events", removed, events)
    return removed, events
