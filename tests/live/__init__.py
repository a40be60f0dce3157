"""Live tests under real gunicorn (several workers, nodes, crashes) and the helpers that start the servers."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
TEST_SECRET = "live-test-secret-key-long-enough-for-hs256-0123456789"


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
    environment = {
        **os.environ,
        "TASKAPI_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "BCRYPT_LOG_ROUNDS": "4",
        "TRUSTED_HOSTS": "127.0.0.1",  # requests here name the server by address
        "WEB_CONCURRENCY": str(workers),
        "BIND": f"127.0.0.1:{port}",
        **(env or {}),
    }
    # A file, not a pipe: nobody drains a pipe while the test runs, and once its buffer fills
    # every worker blocks writing its request log.
    output = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.output = output
    base_url = f"http://127.0.0.1:{port}"
    wait_until_up(base_url, process, startup_timeout)
    return process, base_url


def kill_hard(process):
    """SIGKILL the master and every worker at once, as a crash would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.output.close()


def server_output(process):
    """Everything gunicorn and its workers have printed so far."""
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
