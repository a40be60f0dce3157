"""Access tokens and mail: the notice on creation, revocation by a completed reset, the expiry reminder."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from taskapi.auth.sessions.token_reminders import queue_token_expiry_reminders
from taskapi.db.unit_of_work import commit
from taskapi.extensions import db
from taskapi.models import AccessToken, utcnow
from tests.conftest import ADA_EMAIL, PASSWORD
from tests.smtp import token_in
from tests.tokens.conftest import bearer

NEW_PASSWORD = "violet mountain river clock"


@pytest.fixture
def app(make_app, smtp_server):
    """Jobs run inline, mail goes to the test's SMTP server."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, JOBS_IMMEDIATE=True)


@pytest.fixture
def ada(client, auth, smtp_server):
    """ada with an email address (her verification mail delivered); her headers."""
    assert auth.register("ada", email=ADA_EMAIL).status_code == 201
    smtp_server.inbox.wait_for(1)
    return {"Authorization": f"Bearer {auth.token('ada')}"}


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_creation_sends_a_notice_without_the_token(client, ada, make_token, smtp_server):
    token = make_token(ada, ["tasks:read"], name="exporter")
    notice = smtp_server.inbox.newest("A personal access token was created", 2)
    assert token["token"] not in body(notice) and token["token"][-20:] not in body(notice)


def test_a_completed_reset_revokes_every_token(client, ada, make_token, smtp_server):
    token = make_token(ada, ["account:read"])
    assert client.get("/auth/me", headers=bearer(token)).status_code == 200
    assert client.post("/auth/password-reset/request", json={"email": ADA_EMAIL}).status_code == 202
    mailed = smtp_server.inbox.newest("Reset your password", 3)
    reset = client.post("/auth/password-reset", json={"token": token_in(mailed), "new_password": NEW_PASSWORD})
    assert reset.status_code == 204
    assert client.get("/auth/me", headers=bearer(token)).status_code == 401
    events = client.get("/auth/events?type=token.revoked",
                        headers={"Authorization": "Bearer " + client.post("/auth/login", json={
                            "username": "ada", "password": NEW_PASSWORD}).get_json()["access_token"]}).get_json()
    assert [event["details"]["by"] for event in events] == ["password_reset"]


def test_the_password_change_notice_lists_the_tokens_that_still_work(client, ada, make_token, smtp_server):
    make_token(ada, ["tasks:read"], name="calendar sync")
    smtp_server.inbox.wait_for(2)
    changed = client.post("/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                          headers=ada)
    assert changed.status_code == 200
    notice = smtp_server.inbox.newest("Your password was changed", 3)
    assert "calendar sync" in body(notice)


def test_the_expiry_reminder_goes_out_once_seven_days_before(app, client, ada, make_token, smtp_server):
    soon, later = make_token(ada, ["tasks:read"], name="soon"), make_token(ada, ["tasks:read"], name="later")
    smtp_server.inbox.wait_for(3)
    with app.app_context():
        db.session.execute(update(AccessToken).where(AccessToken.id == soon["id"])
                           .values(expires_at=utcnow() + timedelta(days=6)))
        db.session.commit()
        assert queue_token_expiry_reminders() == [soon["id"]]
        commit(db.session)  # what the consumer's unit of work does when the job returns: then the mail is queued
        assert queue_token_expiry_reminders() == []
        assert db.session.scalar(select(AccessToken.reminded_at).where(AccessToken.id == later["id"])) is None
    reminder = smtp_server.inbox.newest("Your access token 'soon' expires on "
                                        + (utcnow() + timedelta(days=6)).strftime("%Y-%m-%d"), 4)
    assert soon["token"][-4:] in body(reminder) and soon["token"] not in body(reminder)
