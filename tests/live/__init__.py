"""Live tests under real gunicorn (several workers, nodes, crashes) and the helpers that start the servers."""

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests

from config import TestConfig

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
FLASK = Path(sys.executable).with_name("flask")
# The in-process apps' key: they share job queues with live processes, and jobs are signed with it.
TEST_SECRET = TestConfig.SECRET_KEY
SCRATCH = tempfile.mkdtemp(prefix="taskapi-live-")  # throwaway job queues of live processes
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)


def free_port():
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_server(database_url, workers=2, env=None, startup_timeout=30):
    """Serve taskapi with ``workers`` gthread workers on ``database_url``; yields the base URL.

    The database must already be migrated. ``env`` adds or overrides environment variables.
    """
    process, base_url = start_gunicorn(database_url, workers, env, startup_timeout)
    try:
        yield base_url
    finally:
        stop(process)


def start_gunicorn(database_url, workers=2, env=None, startup_timeout=30, port=None):
    """Start gunicorn and wait until it answers; returns (process, base URL). The caller stops it."""
    port = port or free_port()
    environment = {**live_environment(database_url, env), "WEB_CONCURRENCY": str(workers), "BIND": f"127.0.0.1:{port}"}
    process = spawn([str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], environment)
    base_url = f"http://127.0.0.1:{port}"
    wait_until_up(base_url, process, startup_timeout)
    return process, base_url


def live_environment(database_url, env=None):
    """The environment of a live process: production settings on ``database_url``, plus ``env``.

    Without JOBS_* settings in ``env`` the process gets a throwaway job queue of its own (never the
    project's instance/jobs.sqlite); give gunicorn and a consumer the same ``env`` to share one.
    Each server counts its rate limits in a file of its own too, so no test spends another's budget.
    Consumers run no periodic jobs: a reminder scan with the real clock would mail real digests
    between 08:00 and 12:00 in a user's zone, so a test would pass or fail with the time of day.
    """
    return {
        **os.environ,
        "TASKAPI_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "BCRYPT_LOG_ROUNDS": "4",
        "TRUSTED_HOSTS": "127.0.0.1",  # requests here name the server by address
        "JOBS_NAME": f"taskapi_live_{uuid.uuid4().hex[:12]}",
        "JOBS_SQLITE_PATH": os.path.join(SCRATCH, f"{uuid.uuid4().hex[:12]}.sqlite"),
        "RATELIMIT_SQLITE_PATH": os.path.join(SCRATCH, f"{uuid.uuid4().hex[:12]}-limits.sqlite"),
        "JOBS_PERIODIC": "false",
        **(env or {}),
    }


def spawn(command, environment):
    """Start ``command`` in the project root, in a process group of its own, output to a file."""
    # A file, not a pipe: nobody drains a pipe while the test runs, and once its buffer fills
    # every worker blocks writing its request log.
    output = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
                               start_new_session=True)
    process.output = output
    return process


def start_consumer(database_url, env=None):
    """Start ``flask jobs worker`` (a real consumer process); returns it. Stop it with ``stop`` or ``kill_hard``."""
    return spawn([str(FLASK), "--app", "wsgi", "jobs", "worker"], live_environment(database_url, env))


@contextmanager
def consumer_process(database_url, env=None):
    """A running consumer for the block."""
    process = start_consumer(database_url, env)
    try:
        yield process
    finally:
        stop(process)


def kill_hard(process):
    """SIGKILL the master and every worker at once, as a crash would; return once the group is gone.

    A server started next on the same address refuses to while a dying worker still listens there.
    """
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.output.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def server_output(process):
    """Everything the process (gunicorn and its workers, or a consumer) has printed so far."""
    process.output.seek(0)
    return process.output.read().decode(errors="replace")


def wait_until_up(base_url, process, timeout):
    """Poll /healthz until it answers; fail with gunicorn's output if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{server_output(process)}")
        try:
            if requests.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"gunicorn did not answer within {timeout}s")


def stop(process):
    """Stop gunicorn and its workers (the whole process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    process.output.close()
