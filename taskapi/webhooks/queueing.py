"""Jobs queued once the transaction that needs them commits, and retries queued for later.

A lost job is never a lost delivery: the row stays due and the sweeper queues it again, so a
queue outage here is logged, not raised (the change it follows is committed already).
"""

import logging

from sqlalchemy.orm import Session

from taskapi.db.events import listen_once
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.jobs import current_jobs, enqueue
from taskapi.jobs.queue import job_name

log = logging.getLogger("taskapi.webhooks")
PENDING = "webhook_jobs"  # session.info key: (job function, arguments) to queue after the commit


def queue_after_commit(function, *args) -> None:
    """Queue ``function(*args)`` as a job once the current transaction commits (nothing if it rolls back)."""
    db.session.info.setdefault(PENDING, []).append((function, args))


def queue_later(function, *args, delay: float) -> None:
    """Queue ``function(*args)`` to run in ``delay`` seconds (the row it sends is committed already)."""
    jobs = current_jobs()
    try:
        jobs.huey.enqueue(jobs.tasks[job_name(function)].s(*args, delay=delay))
    except Exception:  # noqa: BLE001  (the sweeper sends the row once it is overdue)
        log.error("job %s not scheduled (queue unavailable); the sweeper will run it", function.__name__)


def queue_pending(session):
    """After a commit: queue every remembered job."""
    for function, args in session.info.pop(PENDING, []):
        try:
            enqueue(function, *args)
        except DomainError:
            log.error("job %s not queued (queue unavailable); the sweeper will run it", function.__name__)


def forget_pending(session, previous_transaction=None):
    """After a rollback: what it wrote is gone, and so are the jobs that would have read it."""
    session.info.pop(PENDING, None)


def install_queueing_hooks():
    """Hook the after-commit queueing into every ORM session (idempotent)."""
    listen_once(Session, (("after_commit", queue_pending), ("after_soft_rollback", forget_pending)))
