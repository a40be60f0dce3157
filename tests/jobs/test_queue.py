"""The queue as operators and clients see it: jobs wait for a consumer, /readyz, ``flask jobs status``, outages."""

import time

from config import Config
from taskapi.jobs.worker import make_consumer
from tests.conftest import ADA_EMAIL, PASSWORD


def register_and_request_reset(client):
    assert client.post("/auth/register", json={"username": "ada", "password": PASSWORD, "email": ADA_EMAIL}
                       ).status_code == 201
    assert client.post("/auth/password-reset/request", json={"email": ADA_EMAIL}).status_code == 202


def status_lines(runner):
    result = runner.invoke(args=["jobs", "status"])
    return result.exit_code, dict(line.split("\t") for line in result.output.splitlines() if "\t" in line), result


def test_requests_only_queue_mail_and_the_consumer_sends_it(app, client, runner, smtp_server, jobs_consumer,
                                                           queue_settings):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    register_and_request_reset(client)
    time.sleep(1)
    assert smtp_server.inbox.messages == []  # nothing left the web process
    storage = "redis" if "REDIS_URL" in queue_settings else "sqlite"
    assert client.get("/readyz").get_json() == {"status": "ok", "jobs": {"storage": storage, "queued": 2,
                                                                         "consumers": 0}}
    exit_code, lines, result = status_lines(runner)
    assert exit_code == 1 and "no jobs consumer is running" in result.output
    assert (lines["storage"], lines["queued"], lines["consumers"], lines["failed"]) == (storage, "2", "0", "0")

    jobs_consumer(app)
    assert sorted(message["Subject"] for message in smtp_server.inbox.wait_for(2)) == [
        "Confirm your email address", "Reset your password"]
    assert client.get("/readyz").get_json()["jobs"] == {"storage": storage, "queued": 0, "consumers": 1}
    exit_code, lines, _ = status_lines(runner)
    assert exit_code == 0 and (lines["consumers"], lines["failed"]) == ("1", "0")


def test_an_unreachable_queue_is_503_and_nothing_is_promised(make_app, caplog):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")  # the queue lives in a Redis that does not answer
    client = app.test_client()
    registered = client.post("/auth/register", json={"username": "ada", "password": PASSWORD, "email": ADA_EMAIL})
    assert registered.status_code == 201  # the account exists; its verification mail can be asked for again
    assert "no verification mail queued" in caplog.text
    response = client.post("/auth/password-reset/request", json={"email": ADA_EMAIL})
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["detail"] == "The job queue is unavailable; try again shortly"
    assert client.get("/readyz").status_code == 503


def test_jobs_periodic_off_makes_a_consumer_that_never_starts_periodic_jobs(make_app):
    assert Config.JOBS_PERIODIC is True  # what a deployment gets; the test settings turn it off
    assert make_consumer(make_app(JOBS_PERIODIC=True), 1).periodic is True
    assert make_consumer(make_app(JOBS_PERIODIC=False), 1).periodic is False
