"""Daily housekeeping of the auth tables, run by the jobs consumer (and by ``flask tokens purge``)."""

import logging

from huey import crontab

from taskapi.auth.mailed_tokens import purge_expired_tokens
from taskapi.auth.sessions import purge_expired
from taskapi.extensions import db
from taskapi.jobs import periodic_job

log = logging.getLogger("taskapi.jobs")


@periodic_job(crontab(hour="3", minute="17"))
def purge_expired_rows():
    """Delete expired or revoked sessions and refresh tokens, and spent or expired mailed tokens."""
    removed = purge_expired() + purge_expired_tokens()
    db.session.commit()
    log.info("housekeeping removed %d expired or revoked rows", removed)
    return removed
