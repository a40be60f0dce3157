"""A worker's database pool keeps a connection for each of its request threads."""

import json
import os
import subprocess
import sys
import threading

from sqlalchemy import event

from taskapi.extensions import db
from tests.live import PROJECT_ROOT

ROUNDS = 3


def test_the_pool_keeps_a_connection_for_every_busy_thread(make_app):
    # Each round every thread holds a connection at once, as a worker's threads do under load, then
    # the load drops. A pool smaller than the threads closed the extra connections on their return
    # and opened new ones the next round: under wrk, most requests paid for a new connection.
    app = make_app()
    threads = app.config["WORKER_THREADS"]
    barrier = threading.Barrier(threads)
    opened = []
    with app.app_context():
        event.listen(db.engine, "connect", lambda *args: opened.append(1))

    def busy_thread():
        for _ in range(ROUNDS):
            with app.app_context():
                db.session.connection()
                barrier.wait(timeout=30)  # every thread holds one at the same moment
            barrier.wait(timeout=30)  # and every one has gone back to the pool

    workers = [threading.Thread(target=busy_thread) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not barrier.broken
    assert len(opened) == threads


def test_the_pool_follows_gunicorns_thread_count():
    script = ("import json, runpy, config; g = runpy.run_path('gunicorn.conf.py');"
              "print(json.dumps([g['threads'], config.Config.DB_POOL_SIZE]))")
    env = {name: value for name, value in os.environ.items() if name not in {"DB_POOL_SIZE", "GUNICORN_THREADS"}}
    for threads in ("7", None):
        chosen = {"GUNICORN_THREADS": threads} if threads else {}
        output = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env={**env, **chosen},
                                capture_output=True, text=True, check=True).stdout
        gunicorn_threads, pool_size = json.loads(output.strip().splitlines()[-1])
        assert gunicorn_threads == pool_size == (int(threads) if threads else 12)
