"""What Huey leaves to us: a job taken by a consumer that dies is queued again, failures are logged.

Huey removes a job from the queue when a consumer takes it, so a consumer killed mid-job would
lose it. Before a job runs, a copy goes into the queue's key-value store under the consumer's
id; when it ends (done, failed, or handed to the retry schedule) the copy goes. Every consumer
writes a heartbeat there and sweeps: the copy of a job whose consumer's heartbeat stopped is
taken (atomically, so only one sweeper wins) and queued again. Delivery is at least once.
"""

import json
import logging
import time

from huey.api import PeriodicTask
from huey.constants import EmptyData
from huey.signals import SIGNAL_ERROR

log = logging.getLogger("taskapi.jobs")
RUNNING = "taskapi:running:"
HEARTBEAT = "taskapi:heartbeat:"
FAILED = "taskapi:failed:"
FORGET_AFTER_SECONDS = 7 * 24 * 3600  # failure records and silent consumers' heartbeats


def install_reliability(huey, consumer_id):
    """Hook the running-copy, failure log and failure record into ``huey`` for this consumer."""
    storage = huey.storage
    huey_log = logging.getLogger("huey")
    if not any(isinstance(existing, QuietTaskErrors) for existing in huey_log.filters):
        huey_log.addFilter(QuietTaskErrors())

    @huey.pre_execute("taskapi_running_copy")
    def keep_running_copy(task):
        if not isinstance(task, PeriodicTask):  # a periodic job runs again on its own
            storage.put_data(RUNNING + task.id, consumer_id.encode() + b":" + huey.serialize_task(task))

    @huey.post_execute("taskapi_running_copy")
    def drop_running_copy(task, value, exception):
        if not isinstance(task, PeriodicTask):
            storage.delete_data(RUNNING + task.id)

    @huey.signal(SIGNAL_ERROR)
    def log_failure(signal, task, exception):
        # The id, kind and error, never the job's arguments: a mail job's exception carries no body.
        fields = {"job_id": task.id, "job": task.name, "error": exception.__class__.__name__}
        trace = (type(exception), exception, exception.__traceback__)
        if task.retries:
            log.warning("job %s (%s) failed: %s; %d retries left", task.id, task.name, fields["error"],
                        task.retries, exc_info=trace, extra={"fields": fields})
            return
        log.error("job %s (%s) failed for good: %s", task.id, task.name, fields["error"], exc_info=trace,
                  extra={"fields": fields})
        storage.put_data(FAILED + task.id, json.dumps({**fields, "at": time.time()}).encode())


class QuietTaskErrors(logging.Filter):
    """Drop huey's own line per failed try: ``log_failure`` logs each one, with the job's kind."""

    def filter(self, record):
        return not (record.name == "huey" and str(record.msg).startswith("Unhandled exception in task"))


def beat(huey, consumer_id):
    """Write this consumer's heartbeat (the time now)."""
    huey.storage.put_data(HEARTBEAT + consumer_id, str(time.time()).encode())


def stop_beating(huey, consumer_id):
    """Remove this consumer's heartbeat (a clean exit): its leftover jobs are queued again at once."""
    huey.storage.delete_data(HEARTBEAT + consumer_id)


def live_consumers(items, timeout, now):
    """Ids of consumers whose heartbeat in ``items`` (the key-value store) is younger than ``timeout``."""
    return {key[len(HEARTBEAT):] for key, value in items.items()
            if key.startswith(HEARTBEAT) and now - float(value) < timeout}


def requeue_orphans(huey, timeout):
    """Queue again every running copy whose consumer has gone silent; returns how many."""
    storage, now = huey.storage, time.time()
    items = storage.result_items()
    alive = live_consumers(items, timeout, now)
    requeued = 0
    for key, value in items.items():
        if key.startswith(RUNNING) and bytes(value).split(b":", 1)[0].decode() not in alive:
            taken = storage.pop_data(key)  # atomic: of two sweepers, one gets it
            if taken is not EmptyData:
                storage.enqueue(bytes(taken).split(b":", 1)[1])
                requeued += 1
                log.warning("job %s was running on a consumer that stopped; queued again", key[len(RUNNING):],
                            extra={"fields": {"job_id": key[len(RUNNING):]}})
        elif key.startswith((HEARTBEAT, FAILED)) and now - record_time(key, value) > FORGET_AFTER_SECONDS:
            storage.delete_data(key)
    return requeued


def record_time(key, value):
    """When a heartbeat or failure record was written (seconds since the epoch)."""
    return float(value) if key.startswith(HEARTBEAT) else json.loads(bytes(value))["at"]


def queue_status(huey, timeout):
    """Counts for operators: queued, scheduled (retries waiting), running, failed; live consumers."""
    storage, now = huey.storage, time.time()
    items = storage.result_items()
    beats = [now - float(value) for key, value in items.items() if key.startswith(HEARTBEAT)]
    return {
        "queued": storage.queue_size(),
        "scheduled": storage.schedule_size(),
        "running": sum(key.startswith(RUNNING) for key in items),
        "failed": sum(key.startswith(FAILED) for key in items),
        "consumers": len(live_consumers(items, timeout, now)),
        "last_heartbeat_seconds": round(min(beats), 1) if beats else None,
    }
