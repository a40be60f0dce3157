"""The job queue: Huey with SQLite under instance/ (the default) or Redis (REDIS_URL), one per app.

Job bodies are plain functions registered with ``@job`` or ``@periodic_job`` where they live;
``init_jobs`` turns them into Huey tasks of the app's own queue that run inside an app context.
A job that reads what the request wrote is stored with ``enqueue_after_commit``, once that is committed.
"""

import functools
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app, g
from huey import RedisHuey, SqliteHuey

from taskapi.db.drivers import require_huey_redis, storage_errors
from taskapi.db.unit_of_work import after_commit, unit_of_work
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.jobs.reliability import install_reliability
from taskapi.jobs.signing import job_serializer

log = logging.getLogger("taskapi.jobs")
EXTENSION = "taskapi.jobs"
QUEUE_UNAVAILABLE = "The job queue is unavailable; try again shortly"
JOBS: dict[str, Callable] = {}  # name -> function, filled by @job at import time
PERIODIC: dict[str, tuple[object, Callable]] = {}  # name -> (schedule, function), filled by @periodic_job


@dataclass
class Jobs:
    """An app's queue: the Huey instance, its tasks by name, and this process's consumer id."""

    huey: object
    storage: str
    tasks: dict = field(default_factory=dict)
    consumer_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def job_name(function):
    """The stable name a job is stored under: its module and function name."""
    return f"{function.__module__}.{function.__name__}"


def job(function):
    """Register ``function`` as a job that retries with backoff (JOBS_RETRIES, JOBS_RETRY_*)."""
    JOBS[job_name(function)] = function
    return function


def periodic_job(schedule):
    """Register a job the consumer runs on ``schedule`` (a huey ``crontab``, in UTC); no retries."""

    def register(function):
        PERIODIC[job_name(function)] = (schedule, function)
        return function

    return register


def make_huey(config, instance_path):
    """A Huey on Redis when REDIS_URL is set, otherwise on a SQLite file (JOBS_SQLITE_PATH or instance/)."""
    options = {"results": False, "utc": True, "immediate": config["JOBS_IMMEDIATE"],
               "serializer": job_serializer(config)}
    if config.get("REDIS_URL"):
        require_huey_redis()
        return RedisHuey(config["JOBS_NAME"], url=config["REDIS_URL"], **options), "redis"
    path = config["JOBS_SQLITE_PATH"] or os.path.join(instance_path, "jobs.sqlite")
    # fsync on commit: a job stored before the 202 survives a power cut too, not only a crash.
    return SqliteHuey(config["JOBS_NAME"], filename=path, fsync=True, **options), "sqlite"


def init_jobs(app):
    """Build the app's queue, register every job on it, and add the reliability hooks."""
    huey, storage = make_huey(app.config, app.instance_path)
    jobs = Jobs(huey, storage)
    retry = {"retries": app.config["JOBS_RETRIES"], "retry_delay": app.config["JOBS_RETRY_DELAY_SECONDS"],
             "retry_backoff": app.config["JOBS_RETRY_BACKOFF"]}
    for name, function in JOBS.items():
        jobs.tasks[name] = huey.task(context=True, name=function.__name__, **retry)(in_app_context(app, function))
    for name, (schedule, function) in PERIODIC.items():
        jobs.tasks[name] = huey.periodic_task(schedule, context=True, name=function.__name__)(
            in_app_context(app, function))
    install_reliability(huey, jobs.consumer_id)
    app.extensions[EXTENSION] = jobs
    return jobs


def in_app_context(app, function):
    """Run ``function`` in a fresh app context of ``app``, with the running job in ``g.job``; commit when it returns."""

    @functools.wraps(function)
    def run(*args, task=None):
        with app.app_context(), unit_of_work(db.session):
            g.job = task
            return function(*args)

    return run


def current_jobs():
    """The queue of the current app."""
    return current_app.extensions[EXTENSION]


def current_job_id():
    """The id of the job this code runs in (a retry keeps its id), or None outside a job."""
    task = g.get("job")
    return task.id if task is not None else None


def enqueue(function, *args):
    """Store a job for the consumer and return its id; the caller has committed what the job reads.

    :raises DomainError 503: the queue's storage cannot be written (nothing was stored)
    """
    jobs = current_jobs()
    task = jobs.tasks[job_name(function)].s(*args)
    try:
        jobs.huey.enqueue(task)
    except storage_errors(jobs.storage) as error:
        log.error("job %s (%s) could not be queued: %s", task.id, function.__name__, error.__class__.__name__)
        raise DomainError(503, QUEUE_UNAVAILABLE, headers={"Retry-After": "5"}) from None
    log.info("job %s (%s) queued", task.id, function.__name__, extra={"fields": {
        "job_id": task.id, "job": function.__name__}})
    return task.id


def enqueue_after_commit(function, *args, if_unavailable=None):
    """Store a job once the current unit of work commits (never if it rolls back): it reads what that wrote.

    A queue outage is then the request's 503 (what it follows stays committed), unless
    ``if_unavailable(error)`` handles it.
    """

    def store():
        try:
            enqueue(function, *args)
        except DomainError as error:
            if if_unavailable is None:
                raise
            if_unavailable(error)

    after_commit(db.session, store)
