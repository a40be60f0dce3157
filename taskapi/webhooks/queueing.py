"""Jobs queued once the transaction that needs them commits, and retries queued for later.

A lost job is never a lost delivery: the row stays due and the sweeper queues it again, so a
queue outage here is logged, not raised (the change it follows is committed already).
"""

import logging

from taskapi.jobs import current_jobs, enqueue_after_commit
from taskapi.jobs.queue import job_name

log = logging.getLogger("taskapi.webhooks")


def queue_after_commit(function, *args) -> None:
    """Queue ``function(*args)`` as a job once the unit of work commits (nothing if it rolls back)."""

    def sweeper_will_run_it(error):
        log.error("job %s not queued (queue unavailable); the sweeper will run it", function.__name__)

    enqueue_after_commit(function, *args, if_unavailable=sweeper_will_run_it)


def queue_later(function, *args, delay: float) -> None:
    """Queue ``function(*args)`` to run in ``delay`` seconds (the row it sends is committed already)."""
    jobs = current_jobs()
    try:
        jobs.huey.enqueue(jobs.tasks[job_name(function)].s(*args, delay=delay))
    except Exception:  # noqa: BLE001  (the sweeper sends the row once it is overdue)
        log.error("job %s not scheduled (queue unavailable); the sweeper will run it", function.__name__)
