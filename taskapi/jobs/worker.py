"""The consumer: Huey's consumer (worker threads and the scheduler) plus a heartbeat thread."""

import logging
import threading

from taskapi.jobs.queue import EXTENSION
from taskapi.jobs.reliability import beat, requeue_orphans, stop_beating

log = logging.getLogger("taskapi.jobs")


class Heartbeat(threading.Thread):
    """Beats every JOBS_HEARTBEAT_SECONDS and queues again the jobs of consumers that went silent."""

    def __init__(self, app):
        super().__init__(name="jobs-heartbeat", daemon=True)
        self.jobs = app.extensions[EXTENSION]
        self.interval = app.config["JOBS_HEARTBEAT_SECONDS"]
        self.timeout = app.config["JOBS_CONSUMER_TIMEOUT_SECONDS"]
        self.stopped = threading.Event()

    def tick(self):
        """One beat and one sweep; a storage outage is logged and tried again next time."""
        try:
            beat(self.jobs.huey, self.jobs.consumer_id)
            requeue_orphans(self.jobs.huey, self.timeout)
        except Exception:  # noqa: BLE001  (the consumer keeps going; the next beat tries again)
            log.exception("jobs heartbeat failed")

    def run(self):
        while not self.stopped.wait(self.interval):
            self.tick()

    def stop(self):
        """Stop beating and remove the heartbeat, so readiness shows no consumer at once."""
        self.stopped.set()
        self.join(self.interval + 5)
        try:
            stop_beating(self.jobs.huey, self.jobs.consumer_id)
        except Exception:  # noqa: BLE001  (an unreachable queue: the heartbeat goes stale instead)
            log.warning("could not remove the jobs heartbeat")


def start_heartbeat(app):
    """Beat once (a consumer is visible before it takes its first job), then keep beating."""
    heartbeat = Heartbeat(app)
    heartbeat.tick()
    heartbeat.start()
    return heartbeat


def make_consumer(app, workers):
    """Huey's consumer for the app's queue: ``workers`` threads, periodic jobs on unless JOBS_PERIODIC is off."""
    return app.extensions[EXTENSION].huey.create_consumer(workers=workers, worker_type="thread",
                                                          periodic=app.config["JOBS_PERIODIC"],
                                                          max_delay=app.config["JOBS_POLL_SECONDS"])


def run_worker(app, workers):
    """Run a consumer until SIGINT (finish running jobs) or SIGTERM (stop now; they run again later)."""
    for handler in logging.getLogger("taskapi").handlers:
        logging.getLogger("huey").addHandler(handler)
    logging.getLogger("huey").setLevel(logging.WARNING)
    jobs = app.extensions[EXTENSION]
    log.info("jobs consumer %s started: %d workers, %s storage", jobs.consumer_id, workers, jobs.storage)
    heartbeat = start_heartbeat(app)
    try:
        make_consumer(app, workers).run()
    finally:
        heartbeat.stop()
        log.info("jobs consumer %s stopped", jobs.consumer_id)
