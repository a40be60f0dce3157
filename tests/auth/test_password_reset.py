"""Password reset through HTTP, with mail delivered to a real SMTP server (aiosmtpd)."""

import time
from datetime import timedelta

import pytest

from tests.conftest import ADA_EMAIL, PASSWORD
from tests.smtp import token_in

NEW_PASSWORD = "violet mountain river clock"
ACCEPTED = "If an account has this email address, a password reset link is on its way."


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def ada(ada_with_email):
    """ada's token pair; she registered with an email address."""
    return ada_with_email


def wait_for(condition, timeout=10):
    """Poll ``condition`` until it holds (mail goes out from the jobs consumer) or time runs out."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def request_reset(client, email=ADA_EMAIL):
    response = client.post("/auth/password-reset/request", json={"email": email})
    assert response.status_code == 202, response.get_json()
    assert response.get_json() == {"detail": ACCEPTED}
    return response


def reset_token(client, smtp_server, expected_messages=2):
    request_reset(client)
    message = smtp_server.inbox.newest("Reset your password", expected_messages)
    return token_in(message)


def reset(client, token, new_password=NEW_PASSWORD):
    return client.post("/auth/password-reset", json={"token": token, "new_password": new_password})


def test_reset_end_to_end(client, auth, ada, smtp_server):
    token = reset_token(client, smtp_server)
    assert reset(client, token).status_code == 204

    assert auth.login("ada", PASSWORD).status_code == 401
    assert auth.login("ada", NEW_PASSWORD).status_code == 200
    old_access = {"Authorization": f"Bearer {ada['access_token']}"}
    assert client.get("/auth/me", headers=old_access).status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": ada["refresh_token"]}).status_code == 401


def test_a_reset_token_works_once(client, ada, smtp_server):
    token = reset_token(client, smtp_server)
    assert reset(client, token).status_code == 204
    again = reset(client, token, "another fresh passphrase")
    assert again.status_code == 400
    assert again.get_json()["detail"] == "The token is invalid, expired or already used"


def test_an_expired_reset_token_is_refused(make_app, smtp_server, jobs_consumer):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, PASSWORD_RESET_MAX_AGE=timedelta(seconds=1))
    jobs_consumer(app)
    client = app.test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD, "email": ADA_EMAIL})
    smtp_server.inbox.wait_for(1)
    token = reset_token(client, smtp_server)
    time.sleep(1.2)
    assert reset(client, token).status_code == 400
    assert client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).status_code == 200


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, ada, smtp_server):
    unknown = request_reset(client, "nobody@example.com")
    known = request_reset(client, ADA_EMAIL)
    assert unknown.get_json() == known.get_json()
    assert unknown.headers["Cache-Control"] == known.headers["Cache-Control"] == "no-store"
    smtp_server.inbox.wait_for(2)
    time.sleep(0.3)  # a mail to the unknown address would have arrived by now
    assert [message["To"] for message in smtp_server.inbox.messages] == [ADA_EMAIL, ADA_EMAIL]


def test_a_disabled_account_gets_no_mail(client, auth, ada, smtp_server, admin_headers):
    user_id = client.get("/auth/me", headers={"Authorization": f"Bearer {ada['access_token']}"}).get_json()["id"]
    assert client.patch(f"/users/{user_id}", json={"is_active": False}, headers=admin_headers).status_code == 200
    request_reset(client)
    time.sleep(0.3)
    assert len(smtp_server.inbox.messages) == 1  # only the registration mail


def test_a_later_request_voids_the_earlier_token(client, ada, smtp_server):
    first = reset_token(client, smtp_server)
    second = reset_token(client, smtp_server, expected_messages=3)
    assert reset(client, first).status_code == 400
    assert reset(client, second).status_code == 204


def test_a_password_change_voids_the_token(client, ada, smtp_server):
    token = reset_token(client, smtp_server)
    changed = client.post("/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                          headers={"Authorization": f"Bearer {ada['access_token']}"})
    assert changed.status_code == 200
    assert reset(client, token, "another fresh passphrase").status_code == 400


def test_the_new_password_obeys_the_policy_and_a_refusal_keeps_the_token(client, auth, ada, smtp_server):
    token = reset_token(client, smtp_server)
    weak = reset(client, token, "qwertyuiop")
    assert weak.status_code == 422
    assert "new_password" in weak.get_json()["errors"]
    assert "qwertyuiop" not in weak.get_data(as_text=True)
    with_name = reset(client, token, "ada-and-a-long-tail")
    assert with_name.status_code == 422
    assert reset(client, token).status_code == 204
    assert auth.login("ada", NEW_PASSWORD).status_code == 200


def test_the_reset_token_never_reaches_the_logs(client, ada, smtp_server, caplog):
    token = reset_token(client, smtp_server)
    reset(client, token)
    assert token not in caplog.text
    assert NEW_PASSWORD not in caplog.text


def test_a_dead_smtp_server_still_gets_a_202_and_a_logged_failure(make_app, jobs_consumer, caplog):
    from tests.live import free_port

    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT_SECONDS=2,
                   JOBS_RETRIES=1, JOBS_RETRY_DELAY_SECONDS=0.5)
    jobs_consumer(app)
    client = app.test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD, "email": ADA_EMAIL})
    response = request_reset(client)
    assert response.status_code == 202
    wait_for(lambda: caplog.text.count("failed for good") == 2)  # the reset mail and the verification mail
    failures = [record for record in caplog.records if record.name == "taskapi.mail" and record.levelname == "WARNING"]
    assert 'mail "Reset your password" to ada@example.com failed: ConnectionRefusedError' in [
        record.getMessage() for record in failures]
    final = [record for record in caplog.records if record.levelname == "ERROR"]
    assert sorted(record.fields["job"] for record in final) == ["mail_password_reset", "mail_verification"]
    assert all(record.fields["error"] == "MailNotSent" and len(record.fields["job_id"]) == 36 for record in final)
    assert "Token:" not in caplog.text and "Hello ada" not in caplog.text  # never a body


def test_without_a_mail_server_the_message_lands_in_the_outbox(make_app, jobs_consumer, tmp_path, caplog):
    outbox = tmp_path / "outbox-default"
    app = make_app(MAIL_SERVER=None, MAIL_OUTBOX_DIR=str(outbox))
    jobs_consumer(app)
    client = app.test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD, "email": ADA_EMAIL})
    request_reset(client)
    wait_for(lambda: len(list(outbox.glob("*.eml"))) >= 2)
    from email import message_from_bytes, policy

    messages = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(outbox.glob("*.eml"))]
    reset_mail = next(message for message in messages if message["Subject"] == "Reset your password")
    assert (outbox.stat().st_mode & 0o777) == 0o700
    assert reset(client, token_in(reset_mail)).status_code == 204
    assert f'mail "Reset your password" to {ADA_EMAIL} written to {outbox}' in caplog.text


class TestResetRateLimits:
    @pytest.fixture
    def app(self, make_app, smtp_server):
        # No consumer: the limits are on the requests; the jobs stay queued.
        return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, RATELIMIT_ENABLED=True,
                        RATELIMIT_RESET_PER_EMAIL="2/hour", RATELIMIT_RESET_PER_IP="4/minute")

    def test_per_email_limit(self, client):
        statuses = [client.post("/auth/password-reset/request", json={"email": "Victim@Example.com "}).status_code
                    for _ in range(3)]
        assert statuses == [202, 202, 429]
        assert client.post("/auth/password-reset/request", json={"email": "other@example.com"}).status_code == 202

    def test_per_ip_limit(self, client):
        statuses = [client.post("/auth/password-reset/request", json={"email": f"u{n}@example.com"}).status_code
                    for n in range(5)]
        assert statuses == [202, 202, 202, 202, 429]
