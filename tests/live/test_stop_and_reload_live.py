"""Stopping and reloading gunicorn under traffic: Ctrl-C is prompt and clean, a graceful reload drops nothing.

Each test drives a bounded load loop (a few threads, a few seconds, new connections to
127.0.0.1 only) against a real gunicorn started with the project's gunicorn.conf.py.
"""

import os
import signal
import threading
import time

import pytest
import requests

from tests.live import server_output, start_gunicorn, stop

pytestmark = pytest.mark.live


def load(url, seconds, threads=4):
    """Hit ``url`` from ``threads`` threads for ``seconds``, a new connection per request; (ok, errors).

    The timeout is generous: a connection that arrives while the old workers stop and the new
    ones load the app waits in the shared socket's backlog (seconds on a busy machine); what
    must never happen is a reset.
    """
    results, lock, deadline = {"ok": 0, "errors": []}, threading.Lock(), time.monotonic() + seconds

    def run():
        while time.monotonic() < deadline:
            try:
                status = requests.get(f"{url}/healthz", headers={"Connection": "close"}, timeout=60).status_code
                outcome = None if status == 200 else f"status {status}"
            except requests.RequestException as error:
                outcome = type(error).__name__
            with lock:
                if outcome is None:
                    results["ok"] += 1
                else:
                    results["errors"].append(outcome)

    workers = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    return workers, results


def test_a_graceful_reload_under_load_drops_no_connection(database_url, make_app):
    make_app()
    process, url = start_gunicorn(database_url, workers=2)
    try:
        threads, results = load(url, seconds=6)
        for _ in range(2):  # two reloads: the second replaces workers the first started
            time.sleep(2)
            os.kill(process.pid, signal.SIGHUP)
        for thread in threads:
            thread.join(120)
        assert results["errors"] == [], server_output(process)[-3000:]
        assert results["ok"] > 50
        assert server_output(process).count("Booting worker") >= 6  # 2 at start, then 2 per reload
    finally:
        stop(process)


@pytest.mark.parametrize("attempt", range(3))
def test_ctrl_c_stops_promptly_and_cleanly_after_traffic(database_url, make_app, attempt):
    make_app()
    process, url = start_gunicorn(database_url, workers=2)
    threads, _ = load(url, seconds=2)
    time.sleep(1)  # requests in flight, keep-alive connections open
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole foreground group
    try:
        process.wait(timeout=10)
    except Exception:
        stop(process)
        raise
    took = time.monotonic() - started
    output = server_output(process)
    for thread in threads:
        thread.join(30)
    process.output.close()
    assert took < 5, f"stopping took {took:.1f}s:\n{output[-3000:]}"
    assert "SIGKILL" not in output and "Traceback" not in output, output[-3000:]
