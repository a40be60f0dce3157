"""Mail survives what kills it today: live gunicorn, real consumer processes, a real SMTP server."""

import signal
import socket
import time

import pytest
import requests

from taskapi.jobs import current_jobs
from taskapi.jobs.reliability import queue_status
from tests.conftest import ADA_EMAIL, PASSWORD
from tests.live import (
    consumer_process,
    free_port,
    gunicorn_server,
    kill_hard,
    server_output,
    start_consumer,
    start_gunicorn,
    stop,
)
from tests.smtp import SmtpServer, token_in

pytestmark = pytest.mark.live
SUBJECTS = ["Confirm your email address", "Reset your password"]


def live_env(queue_settings, smtp_port, **extra):
    """gunicorn and consumers on the test's queue, mailing to ``smtp_port``, beating fast."""
    return {"RATELIMIT_ENABLED": "false", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port),
            "JOBS_POLL_SECONDS": "0.2", "JOBS_HEARTBEAT_SECONDS": "0.5", "JOBS_CONSUMER_TIMEOUT_SECONDS": "3",
            **queue_settings, **extra}


def register_and_request_reset(url):
    """ada registers with an address (a verification mail job) and asks for a reset (a second job)."""
    assert requests.post(f"{url}/auth/register", json={"username": "ada", "password": PASSWORD,
                                                      "email": ADA_EMAIL}).status_code == 201
    response = requests.post(f"{url}/auth/password-reset/request", json={"email": ADA_EMAIL})
    assert response.status_code == 202
    return response


def assert_each_mail_once(smtp, settle=2):
    """Both mails arrived, and no copy follows within ``settle`` seconds."""
    smtp.inbox.wait_for(2, timeout=30)
    time.sleep(settle)
    assert sorted(message["Subject"] for message in smtp.inbox.messages) == SUBJECTS


def wait_until(condition, timeout=30):
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def wait_for_consumers(app, count, timeout=15):
    """Wait until ``count`` consumers have a live heartbeat on the app's queue."""
    deadline = time.monotonic() + timeout
    with app.app_context():
        while queue_status(current_jobs().huey, 3)["consumers"] != count:
            assert time.monotonic() < deadline, f"expected {count} live consumers"
            time.sleep(0.2)


def test_smtp_down_then_up_the_mail_arrives_once(database_url, make_app, queue_settings):
    make_app()  # empties the tables afterwards
    port = free_port()  # nobody listens yet: the SMTP server is down
    env = live_env(queue_settings, port, JOBS_RETRY_DELAY_SECONDS="1", JOBS_RETRY_BACKOFF="2")
    with gunicorn_server(database_url, env=env) as url, consumer_process(database_url, env) as consumer:
        register_and_request_reset(url)
        # The first try and the first retry are refused (logged with the job's id and kind, as warnings).
        wait_until(lambda: "(mail_password_reset) failed: MailNotSent; 4 retries left" in server_output(consumer))
        with SmtpServer(port) as smtp:  # up: a later retry delivers
            assert_each_mail_once(smtp)
            reset_mail = next(message for message in smtp.inbox.messages if message["Subject"] == SUBJECTS[1])
        assert requests.post(f"{url}/auth/password-reset", json={
            "token": token_in(reset_mail), "new_password": "a brand new passphrase"}).status_code == 204


def test_kill_9_of_gunicorn_right_after_the_202_loses_no_mail(database_url, make_app, queue_settings):
    make_app()
    with SmtpServer() as smtp:
        env = live_env(queue_settings, smtp.port)
        process, url = start_gunicorn(database_url, env=env)
        try:
            register_and_request_reset(url)  # no consumer runs: the jobs wait in the queue
        finally:
            kill_hard(process)
        with consumer_process(database_url, env):
            assert_each_mail_once(smtp)


def test_kill_9_of_the_consumer_mid_job_the_mail_arrives_after_a_restart(database_url, make_app, queue_settings):
    make_app()
    tarpit = socket.create_server(("127.0.0.1", 0))  # accepts connections, never greets: jobs hang in SMTP
    port = tarpit.getsockname()[1]
    env = live_env(queue_settings, port, MAIL_TIMEOUT_SECONDS="60")
    with gunicorn_server(database_url, env=env) as url:
        first = start_consumer(database_url, env)
        try:
            register_and_request_reset(url)
            tarpit.settimeout(20)
            hanging = [tarpit.accept()[0] for _ in SUBJECTS]  # both jobs are mid-conversation
        finally:
            kill_hard(first)
        for connection in hanging:
            connection.close()
        tarpit.close()
        with SmtpServer(port) as smtp, consumer_process(database_url, env) as second:
            assert_each_mail_once(smtp)
            assert server_output(second).count("was running on a consumer that stopped; queued again") == 2


def test_make_run_starts_and_stops_gunicorn_and_a_consumer_together(database_url, make_app, queue_settings):
    app = make_app()
    with SmtpServer() as smtp:
        env = live_env(queue_settings, smtp.port, RUN_JOBS_CONSUMER="1")
        process, url = start_gunicorn(database_url, workers=1, env=env)
        try:
            wait_for_consumers(app, 1)
            assert requests.get(f"{url}/readyz").json()["jobs"]["consumers"] == 1
            register_and_request_reset(url)
            assert_each_mail_once(smtp, settle=0.5)
        finally:
            process.send_signal(signal.SIGINT)  # Ctrl-C
            process.wait(timeout=30)
            stop(process)
        wait_for_consumers(app, 0, timeout=5)  # the consumer left cleanly (its heartbeat is gone)
