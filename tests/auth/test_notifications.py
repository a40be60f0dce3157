"""Security notices arrive at a real SMTP server after each change to how an account signs in, and carry no token."""

import time

import pyotp
import pytest

from taskapi.auth.audit.events import record
from taskapi.auth.audit.notifications import PENDING
from taskapi.extensions import db
from taskapi.models import User
from tests.auth.passkey_helpers import add_passkey
from tests.conftest import ADA_EMAIL, PASSWORD
from tests.smtp import token_in

NEW_PASSWORD = "a second passphrase, changed"
BROWSER = "NoticeTest/1.0 (X11)"


@pytest.fixture
def app(mail_app):
    return mail_app


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def subjects_since(inbox, start, count):
    """The subjects of the ``count`` messages after the first ``start``, in order of arrival."""
    return [message["Subject"] for message in inbox.wait_for(start + count)[start:]]


def wait_quietly(inbox, count, seconds=1.5):
    """Give stray mail a moment to arrive, then check that exactly ``count`` messages came."""
    time.sleep(seconds)
    assert len(inbox.messages) == count, [message["Subject"] for message in inbox.messages]


def test_every_sign_in_change_sends_a_notice_with_when_where_and_no_token(client, auth, smtp_server):
    inbox = smtp_server.inbox
    assert auth.register("ada", email=ADA_EMAIL).status_code == 201
    verification = token_in(inbox.wait_for(1)[0])
    pair = client.post("/auth/login", json={"username": "ada", "password": PASSWORD},
                       headers={"User-Agent": BROWSER}).get_json()
    headers = {"Authorization": f"Bearer {pair['access_token']}", "User-Agent": BROWSER}
    changed = client.post("/auth/password", headers=headers,
                          json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 200
    assert subjects_since(inbox, 1, 1) == ["Your password was changed"]
    notice = inbox.messages[1]
    assert notice["To"] == ADA_EMAIL
    text = body(notice)
    assert "127.0.0.1" in text and BROWSER in text and "UTC" in text and "If this was not you" in text

    fresh = changed.get_json()
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    setup = client.post("/auth/2fa/setup", headers=headers, json={"current_password": NEW_PASSWORD})
    secret = setup.get_json()["secret"]
    enabled = client.post("/auth/2fa/enable", headers=headers,
                          json={"code": pyotp.TOTP(secret).now(), "current_password": NEW_PASSWORD})
    recovery = enabled.get_json()["recovery_codes"]
    assert subjects_since(inbox, 2, 1) == ["Two-factor sign-in is on"]
    signed_in = client.post("/auth/login", json={"username": "ada", "password": NEW_PASSWORD, "otp": recovery[0]})
    assert signed_in.status_code == 200
    assert subjects_since(inbox, 3, 1) == ["A recovery code was used"]
    assert "9 unused recovery codes left" in body(inbox.messages[3])
    headers = {"Authorization": f"Bearer {signed_in.get_json()['access_token']}"}
    assert client.post("/auth/2fa/disable", headers=headers,
                       json={"current_password": NEW_PASSWORD, "code": recovery[1]}).status_code == 204
    # Disabling spends a recovery code too: its notice and the one for turning 2FA off (either first).
    assert sorted(subjects_since(inbox, 4, 2)) == ["A recovery code was used", "Two-factor sign-in is off"]

    admin = auth.create_admin()
    ada_id = client.get("/auth/me", headers=headers).get_json()["id"]
    assert client.delete(f"/users/{ada_id}/2fa", headers=admin).status_code == 204
    assert subjects_since(inbox, 6, 1) == ["An administrator turned two-factor sign-in off"]

    pair = client.post("/auth/login", json={"username": "ada", "password": NEW_PASSWORD}).get_json()
    assert client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 200
    assert client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert subjects_since(inbox, 7, 1) == ["A signed-in session was ended"]

    assert client.post("/auth/password-reset/request", json={"email": ADA_EMAIL}).status_code == 202
    reset_token = token_in(inbox.wait_for(9)[8])
    assert client.post("/auth/password-reset", json={"token": reset_token, "new_password": PASSWORD}).status_code == 204
    assert subjects_since(inbox, 9, 1) == ["Your password was reset"]

    grants = [verification, reset_token, secret, *recovery, pair["access_token"], pair["refresh_token"],
              fresh["access_token"], fresh["refresh_token"]]
    notices = [message for message in inbox.messages if message["Subject"] not in {
        "Confirm your email address", "Reset your password"}]
    assert len(notices) == 8
    for message in notices:
        text = message.as_string()
        assert "Token:" not in text and "http" not in body(message)
        assert not [value for value in grants if value in text]


def test_a_failed_change_sends_nothing(client, auth, smtp_server):
    assert auth.register("ada", email=ADA_EMAIL).status_code == 201
    smtp_server.inbox.wait_for(1)
    headers = auth.headers("ada", register=False)
    refused = client.post("/auth/password", headers=headers,
                          json={"current_password": "not the password", "new_password": NEW_PASSWORD})
    assert refused.status_code == 400
    wait_quietly(smtp_server.inbox, 1)


def test_a_rolled_back_event_queues_no_notice(app, auth, smtp_server):
    assert auth.register("ada", email=ADA_EMAIL).status_code == 201
    smtp_server.inbox.wait_for(1)
    with app.app_context():
        record("password.changed", db.session.scalar(db.select(User)))
        db.session.flush()
        assert db.session.info[PENDING]
        db.session.rollback()
        assert PENDING not in db.session.info
    wait_quietly(smtp_server.inbox, 1)


def test_an_account_without_email_is_told_nothing_and_nothing_fails(client, auth, smtp_server):
    headers = auth.headers("ada")
    assert client.post("/auth/password", headers=headers,
                       json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 200
    wait_quietly(smtp_server.inbox, 0)


def test_a_confirmed_email_change_is_told_to_the_old_and_the_new_address(client, auth, smtp_server):
    inbox = smtp_server.inbox
    assert auth.register("ada", email=ADA_EMAIL).status_code == 201
    inbox.wait_for(1)
    headers = auth.headers("ada", register=False)
    asked = client.patch("/users/me", headers=headers, json={"email": "ada@new.example", "current_password": PASSWORD})
    assert asked.status_code == 202
    inbox.wait_for(3)  # the token to the new address, and the notice of the request to the old one
    token = token_in(next(message for message in inbox.messages if message["To"] == "ada@new.example"))
    assert client.post("/auth/email-change", json={"token": token}).status_code == 204
    changed = [message for message in inbox.wait_for(5)[3:] if message["Subject"] == "Your email address was changed"]
    told = {message["To"] for message in changed}
    assert told == {ADA_EMAIL, "ada@new.example"}


def test_adding_and_removing_a_passkey_sends_a_notice_each(client, auth, smtp_server):
    inbox = smtp_server.inbox
    assert auth.register("ada", email=ADA_EMAIL).status_code == 201
    inbox.wait_for(1)
    headers = {"Authorization": f"Bearer {auth.token()}"}
    _, passkey = add_passkey(client, headers)
    assert subjects_since(inbox, 1, 1) == ["A passkey was added"]
    assert "can now sign in" in body(inbox.messages[1])
    assert client.delete(f"/auth/passkeys/{passkey['id']}", headers=headers,
                         json={"current_password": PASSWORD}).status_code == 204
    assert subjects_since(inbox, 2, 1) == ["A passkey was removed"]
    wait_quietly(inbox, 3)
