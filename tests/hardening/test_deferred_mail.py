"""Deferred mail binds to what was true when it was asked for.

The consumer is stopped while the requests happen and started afterwards, as when the queue
runs late: whatever the mail jobs send then carries nothing usable.
"""

import time

import pytest

from tests.conftest import PASSWORD
from tests.smtp import token_in

ATTACKER = "mallory@attacker.example"
NEW_PASSWORD = "a completely new passphrase"


@pytest.fixture
def app(make_app, smtp_server):
    """Mail to the test's SMTP server; no consumer yet (``late`` starts one)."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)


@pytest.fixture
def late(app, jobs_consumer, smtp_server):
    """Start the consumer now and wait until the queue is empty; the messages it sent."""
    from taskapi.jobs import current_jobs

    started = []

    def run():
        if not started:
            started.append(jobs_consumer(app))
        with app.app_context():
            huey = current_jobs().huey
            wait_until(lambda: huey.pending_count() == 0 and not running(huey))
        time.sleep(0.5)  # a job that was just taken may not have written its running copy yet
        with app.app_context():
            wait_until(lambda: huey.pending_count() == 0 and not running(huey))
        return list(smtp_server.inbox.messages)

    return run


def running(huey):
    return any(key.startswith("taskapi:running:") for key in huey.storage.result_items())


def wait_until(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the queue did not drain"
        time.sleep(0.1)


def bearer(client, username):
    response = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def tokens_to(messages, address):
    """The tokens of every message to ``address`` that carries one."""
    return [token_in(message) for message in messages if message["To"] == address and "Token:" in
            message.get_body(preferencelist=("plain",)).get_content()]


def redeemable(client, token):
    """True when ``token`` does anything at any mailed-token route (it must not)."""
    routes = [("/auth/email-change", {"token": token}), ("/auth/verify-email", {"token": token}),
              ("/auth/password-reset", {"token": token, "new_password": "yet another long passphrase"})]
    return any(client.post(path, json=body).status_code < 400 for path, body in routes)


def test_the_takeover_sequence_sends_nothing_usable(client, late):
    assert client.post("/auth/register", json={"username": "gone", "password": PASSWORD}).status_code == 201
    gone = bearer(client, "gone")
    gone_id = client.get("/auth/me", headers=gone).get_json()["id"]
    asked = client.patch("/users/me", json={"email": ATTACKER, "current_password": PASSWORD}, headers=gone)
    assert asked.status_code == 202
    assert client.delete("/users/me", json={"current_password": PASSWORD}, headers=gone).status_code == 204
    joined = client.post("/auth/register", json={"username": "victim", "password": PASSWORD,
                                                 "email": "victim@example.com"})
    assert joined.status_code == 201 and joined.get_json()["id"] != gone_id

    messages = late()
    assert [message for message in messages if message["To"] == ATTACKER] == []
    victim = bearer(client, "victim")
    assert client.get("/auth/me", headers=victim).get_json()["email"] == "victim@example.com"


@pytest.mark.parametrize("change", ["password change", "password reset"])
def test_an_email_change_asked_before_a_password_change_sends_nothing_usable(client, late, smtp_server, change):
    assert client.post("/auth/register", json={"username": "ada", "password": PASSWORD,
                                               "email": "ada@example.com"}).status_code == 201
    ada = bearer(client, "ada")
    asked = client.patch("/users/me", json={"email": ATTACKER, "current_password": PASSWORD}, headers=ada)
    assert asked.status_code == 202
    if change == "password change":
        changed = client.post("/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                              headers=ada)
        assert changed.status_code == 200
    else:
        assert client.post("/auth/password-reset/request", json={"email": "ada@example.com"}).status_code == 202
        late()
        reset = token_in(smtp_server.inbox.newest("Reset your password", len(smtp_server.inbox.messages)))
        assert client.post("/auth/password-reset", json={"token": reset, "new_password": NEW_PASSWORD}
                           ).status_code == 204

    messages = late()
    usable = [token for token in tokens_to(messages, ATTACKER) if redeemable(client, token)]
    assert usable == []
    assert client.get("/users/me", headers=bearer_new(client)).get_json()["email"] == "ada@example.com"


def bearer_new(client):
    response = client.post("/auth/login", json={"username": "ada", "password": NEW_PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


@pytest.mark.parametrize("mailed_before", [True, False], ids=["mailed before", "mailed after"])
@pytest.mark.parametrize("purpose", ["password reset", "verification", "email change"])
def test_a_token_issued_before_a_password_change_is_dead_after_it(client, late, smtp_server, purpose,
                                                                  mailed_before):
    assert client.post("/auth/register", json={"username": "ada", "password": PASSWORD,
                                               "email": "ada@example.com"}).status_code == 201
    ada = bearer(client, "ada")
    if purpose == "password reset":
        client.post("/auth/password-reset/request", json={"email": "ada@example.com"})
    elif purpose == "verification":
        client.post("/auth/verify-email/request", headers=ada)
    else:
        client.patch("/users/me", json={"email": "ada@new.example", "current_password": PASSWORD}, headers=ada)
    messages = late() if mailed_before else []
    changed = client.post("/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                          headers=ada)
    assert changed.status_code == 200
    messages = late() if not mailed_before else messages
    tokens = tokens_to(messages, "ada@example.com") + tokens_to(messages, "ada@new.example")
    if mailed_before:
        assert tokens  # the mail went out with a live token...
    assert [token for token in tokens if redeemable(client, token)] == []  # ...which the change killed
