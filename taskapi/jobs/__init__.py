"""Background jobs on Huey: the queue (SQLite or Redis), reliability on top, the consumer, reminders."""

from taskapi.jobs import reminders
from taskapi.jobs.queue import current_job_id, current_jobs, enqueue, enqueue_after_commit, init_jobs, job, periodic_job

__all__ = ["current_job_id", "current_jobs", "enqueue", "enqueue_after_commit", "init_jobs", "job", "periodic_job",
           "reminders"]
