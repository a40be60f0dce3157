"""Changing the email through HTTP: asked with PATCH /users/me, applied by the token mailed to the new address."""

import time

import pytest
from sqlalchemy import select

from taskapi.extensions import db
from taskapi.models import SecurityEvent, User
from tests.conftest import ADA_EMAIL, PASSWORD
from tests.smtp import token_in

NEW = "ada@new.example"
INVALID = "The token is invalid, expired or already used"


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def ada(ada_with_email):
    """Bearer headers of ada, registered with ADA_EMAIL (her welcome mail delivered: 1 message)."""
    return {"Authorization": f"Bearer {ada_with_email['access_token']}"}


def ask(client, headers, email=NEW):
    response = client.patch("/users/me", json={"email": email, "current_password": PASSWORD}, headers=headers)
    assert response.status_code == 202, response.get_json()
    return response


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def me(client, headers):
    return client.get("/users/me", headers=headers).get_json()


def test_the_change_applies_only_when_the_token_is_redeemed(app, client, ada, smtp_server):
    ask(client, ada)
    smtp_server.inbox.wait_for(3)  # welcome, then the token to the new address and the notice to the old
    assert (me(client, ada)["email"], me(client, ada)["email_verified"]) == (ADA_EMAIL, False)

    confirmation = smtp_server.inbox.last_for(NEW)
    assert confirmation["Subject"] == "Confirm your new email address"
    assert confirmation.get_content_type() == "multipart/alternative"
    token = token_in(confirmation)
    assert token in confirmation.get_body(preferencelist=("html",)).get_content()

    notice = smtp_server.inbox.last_for(ADA_EMAIL)
    assert notice["Subject"] == "A change of your email address was requested"
    assert NEW in text_of(notice) and "change it now" in text_of(notice)
    assert token not in notice.as_string() and "Token:" not in text_of(notice)

    assert client.post("/auth/email-change", json={"token": token}).status_code == 204
    assert (me(client, ada)["email"], me(client, ada)["email_verified"]) == (NEW, True)
    with app.app_context():
        events = db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.id)).all()
        types = [event.type for event in events]
        assert types.index("email.change_requested") < types.index("email.changed")
        assert all(token not in str(event.details) for event in events)


def test_the_answer_is_the_same_for_a_taken_address_whose_mail_says_so(app, client, auth, ada, smtp_server):
    assert auth.register("bob", email="bob@example.com").status_code == 201
    smtp_server.inbox.wait_for(2)
    free = ask(client, ada)
    smtp_server.inbox.wait_for(4)
    taken = ask(client, ada, "BOB@example.com")
    assert taken.get_json() == free.get_json() and taken.headers["Content-Type"] == free.headers["Content-Type"]

    messages = smtp_server.inbox.wait_for(6)
    to_taken = [message for message in messages[4:] if message["To"] == "bob@example.com"]  # canonical
    assert len(to_taken) == 1
    assert to_taken[0]["Subject"] == "This address already has a taskapi account"
    assert "already has a taskapi account" in text_of(to_taken[0]) and "Token:" not in text_of(to_taken[0])
    assert "bob@example.com" in text_of(smtp_server.inbox.last_for(ADA_EMAIL))  # the old address is told
    with app.app_context():
        emails = dict(db.session.execute(select(User.username, User.email)).all())
    assert emails == {"ada": ADA_EMAIL, "bob": "bob@example.com"}


def test_a_token_works_once(client, ada, smtp_server):
    ask(client, ada)
    token = token_in(smtp_server.inbox.last_for(NEW, count=3))
    assert client.post("/auth/email-change", json={"token": token}).status_code == 204
    again = client.post("/auth/email-change", json={"token": token})
    assert again.status_code == 400 and again.get_json()["detail"] == INVALID
    assert again.mimetype == "application/problem+json"


def test_a_token_of_another_purpose_does_not_work_either_way(client, ada, smtp_server):
    verification = token_in(smtp_server.inbox.wait_for(1)[0])
    refused = client.post("/auth/email-change", json={"token": verification})
    assert refused.status_code == 400 and refused.get_json()["detail"] == INVALID
    ask(client, ada)
    change = token_in(smtp_server.inbox.last_for(NEW, count=3))
    assert client.post("/auth/verify-email", json={"token": change}).status_code == 400
    assert me(client, ada)["email"] == ADA_EMAIL
    assert client.post("/auth/email-change", json={"token": change}).status_code == 204  # neither was spent


def test_an_address_taken_in_the_meantime_is_the_same_400(client, auth, ada, smtp_server):
    ask(client, ada)
    token = token_in(smtp_server.inbox.last_for(NEW, count=3))
    assert auth.register("grace", email=NEW.upper()).status_code == 201
    refused = client.post("/auth/email-change", json={"token": token})
    assert refused.status_code == 400 and refused.get_json()["detail"] == INVALID
    assert me(client, ada)["email"] == ADA_EMAIL


def test_losing_a_race_for_the_address_is_the_same_400(app, client, auth, ada, smtp_server, monkeypatch):
    """The lookup saw the address free, then the other account's commit won (the unique index refuses ours)."""
    import taskapi.auth.mailed.email_change

    ask(client, ada)
    token = token_in(smtp_server.inbox.last_for(NEW, count=3))
    assert auth.register("grace", email=NEW).status_code == 201
    monkeypatch.setattr(taskapi.auth.mailed.email_change, "find_user_by_email", lambda email: None)
    refused = client.post("/auth/email-change", json={"token": token})
    assert refused.status_code == 400 and refused.get_json()["detail"] == INVALID
    assert me(client, ada)["email"] == ADA_EMAIL


def test_a_newer_request_voids_the_older_token(client, ada, smtp_server):
    ask(client, ada)
    first = token_in(smtp_server.inbox.last_for(NEW, count=3))
    ask(client, ada, "ada@newer.example")
    second = token_in(smtp_server.inbox.last_for("ada@newer.example", count=5))
    assert client.post("/auth/email-change", json={"token": first}).status_code == 400
    assert client.post("/auth/email-change", json={"token": second}).status_code == 204
    assert me(client, ada)["email"] == "ada@newer.example"


def test_removing_the_email_applies_at_once_and_tells_the_address(client, ada, smtp_server):
    removed = client.patch("/users/me", json={"email": None, "current_password": PASSWORD}, headers=ada)
    assert removed.status_code == 200 and removed.get_json()["email"] is None
    notice = smtp_server.inbox.wait_for(2)[1]
    assert notice["To"] == ADA_EMAIL and notice["Subject"] == "Your email address was removed from your account"
    assert "Token:" not in text_of(notice)


def test_the_same_address_changes_nothing_and_mails_nothing(client, ada, smtp_server):
    same = client.patch("/users/me", json={"email": ADA_EMAIL.upper(), "current_password": PASSWORD}, headers=ada)
    assert same.status_code == 200 and same.get_json()["email"] == ADA_EMAIL
    ask(client, ada)  # its two mails are the next ones: the same address queued none
    after_welcome = {(message["To"], message["Subject"]) for message in smtp_server.inbox.wait_for(3)[1:]}
    assert after_welcome == {(NEW, "Confirm your new email address"),
                             (ADA_EMAIL, "A change of your email address was requested")}


def test_an_unknown_token_is_a_400_and_none_is_a_422(client):
    assert client.post("/auth/email-change", json={"token": "not-a-token-we-issued"}).status_code == 400
    assert client.post("/auth/email-change", json={}).status_code == 422


def test_a_password_change_voids_a_pending_email_change(client, auth, smtp_server):
    assert auth.register("ada", email=ADA_EMAIL).status_code == 201
    smtp_server.inbox.wait_for(1)
    headers = auth.headers("ada", register=False)
    asked = client.patch("/users/me", headers=headers, json={"email": "ada@new.example", "current_password": PASSWORD})
    assert asked.status_code == 202
    deadline = time.monotonic() + 10
    while not [m for m in smtp_server.inbox.messages if m["To"] == "ada@new.example"] and time.monotonic() < deadline:
        time.sleep(0.05)
    token = token_in(next(m for m in smtp_server.inbox.messages if m["To"] == "ada@new.example"))
    changed = client.post("/auth/password", headers=headers,
                          json={"current_password": PASSWORD, "new_password": "an entirely new passphrase"})
    assert changed.status_code == 200
    assert client.post("/auth/email-change", json={"token": token}).status_code == 400
