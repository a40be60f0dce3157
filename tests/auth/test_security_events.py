"""Every security event type is produced by its action, with its fields, and no secret is stored or logged."""

import json
import logging
import time

import pyotp
import pytest
from sqlalchemy import select

from taskapi.auth.audit.events import EVENT_TYPES
from taskapi.extensions import db
from taskapi.models import SecurityEvent
from taskapi.signals import security_event
from tests.auth.passkey_helpers import add_passkey, passkey_login
from tests.conftest import ADA_EMAIL, PASSWORD
from tests.smtp import token_in

NEW_PASSWORD = "a brand new passphrase, changed"
RESET_PASSWORD = "reset passphrase chosen by mail"
PRODUCED_HERE = {
    "login.succeeded", "login.failed", "logout", "logout.all", "logout.others", "session.revoked",
    "refresh.reuse_detected", "password.changed", "password.reset", "email.change_requested", "email.changed",
    "email.verified",
    "2fa.enabled", "2fa.disabled", "2fa.reset_by_admin", "recovery_code.used", "account.disabled",
    "account.enabled", "role.changed", "account.deleted", "passkey.added", "passkey.removed", "reauth.failed",
    "token.created", "token.revoked",
}


@pytest.fixture
def app(mail_app):
    return mail_app


def mail_titled(inbox, subject):
    """The first message with ``subject``, waiting for it (security notices arrive in between)."""
    return first_mail(inbox, lambda message: message["Subject"] == subject)


def first_mail(inbox, wanted, timeout=10):
    """The first message ``wanted(message)`` accepts, waiting for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [message for message in inbox.messages if wanted(message)]
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError("the expected message did not arrive")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def login(client, password=PASSWORD, **extra):
    response = client.post("/auth/login", json={"username": "ada", "password": password, **extra})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_every_event_type_is_produced_and_no_secret_is_stored_or_logged(app, client, auth, smtp_server, caplog):
    caplog.set_level(logging.INFO, logger="taskapi")
    secrets_used = [PASSWORD, NEW_PASSWORD, RESET_PASSWORD, "wrong password!"]
    admin = auth.create_admin()
    assert auth.register("ada", email=ADA_EMAIL).status_code == 201
    verification = token_in(smtp_server.inbox.wait_for(1)[-1])
    assert client.post("/auth/verify-email", json={"token": verification}).status_code == 204

    pair = login(client)
    client.post("/auth/login", json={"username": "ada", "password": "wrong password!"})
    other = login(client)
    assert client.post("/auth/logout", headers=bearer(other["access_token"])).status_code == 204
    phone = login(client)
    phone_id = client.get("/auth/sessions", headers=bearer(phone["access_token"])).get_json()[0]["id"]
    assert client.delete(f"/auth/sessions/{phone_id}", headers=bearer(pair["access_token"])).status_code == 204
    login(client)
    assert client.post("/auth/logout-others", headers=bearer(pair["access_token"])).status_code == 204
    rotated = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).get_json()
    assert client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    secrets_used += [pair["access_token"], pair["refresh_token"], rotated["refresh_token"], verification]

    changed = client.post("/auth/password", headers=bearer(login(client)["access_token"]),
                          json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 200
    assert client.post("/auth/password-reset/request", json={"email": ADA_EMAIL}).status_code == 202
    reset_token = token_in(mail_titled(smtp_server.inbox, "Reset your password"))
    reset = client.post("/auth/password-reset", json={"token": reset_token, "new_password": RESET_PASSWORD})
    assert reset.status_code == 204
    secrets_used.append(reset_token)

    access = login(client, RESET_PASSWORD)["access_token"]
    moved = client.patch("/users/me", headers=bearer(access),
                         json={"email": "ada@elsewhere.example", "current_password": RESET_PASSWORD})
    assert moved.status_code == 202
    change_token = token_in(first_mail(smtp_server.inbox, lambda message: message["To"] == "ada@elsewhere.example"))
    assert client.post("/auth/email-change", json={"token": change_token}).status_code == 204
    secrets_used.append(change_token)
    setup = client.post("/auth/2fa/setup", headers=bearer(access), json={"current_password": RESET_PASSWORD})
    secret = setup.get_json()["secret"]
    code = pyotp.TOTP(secret).now()
    enabled = client.post("/auth/2fa/enable", headers=bearer(access),
                          json={"code": code, "current_password": RESET_PASSWORD})
    assert enabled.status_code == 200, enabled.get_json()
    recovery = enabled.get_json()["recovery_codes"]
    client.post("/auth/login", json={"username": "ada", "password": RESET_PASSWORD, "otp": "000000"})
    access = login(client, RESET_PASSWORD, otp=recovery[0])["access_token"]
    mfa_token = client.post("/auth/login", json={"username": "ada", "password": RESET_PASSWORD}).get_json()["mfa_token"]
    assert client.post("/auth/login/2fa", json={"mfa_token": mfa_token, "otp": recovery[2]}).status_code == 200
    secrets_used.append(mfa_token)
    wrong_reauth = client.post("/auth/password", headers=bearer(access), json={
        "current_password": "wrong password!", "otp": recovery[3], "new_password": NEW_PASSWORD})
    assert wrong_reauth.status_code == 400
    disabled = client.post("/auth/2fa/disable", headers=bearer(access),
                           json={"password": RESET_PASSWORD, "code": recovery[1]})
    assert disabled.status_code == 204, disabled.get_json()
    secrets_used += [secret, code, *recovery]
    authenticator, passkey = add_passkey(client, bearer(access), password=RESET_PASSWORD)
    assert passkey_login(client, authenticator, "ada").status_code == 200
    removed = client.delete(f"/auth/passkeys/{passkey['id']}", headers=bearer(access),
                            json={"current_password": RESET_PASSWORD})
    assert removed.status_code == 204
    created = client.post("/auth/tokens", headers=bearer(access), json={
        "name": "walk", "scopes": ["tasks:read"], "expires_in_days": 1, "current_password": RESET_PASSWORD})
    assert created.status_code == 201
    secrets_used.append(created.get_json()["token"])
    assert client.get("/tasks", headers=bearer(created.get_json()["token"])).status_code == 200
    assert client.delete(f"/auth/tokens/{created.get_json()['id']}", headers=bearer(access)).status_code == 204

    ada_id = client.get("/auth/me", headers=bearer(access)).get_json()["id"]
    assert client.patch(f"/users/{ada_id}", headers=admin, json={"role": "admin"}).status_code == 200
    assert client.patch(f"/users/{ada_id}", headers=admin, json={"is_active": False}).status_code == 200
    assert client.patch(f"/users/{ada_id}", headers=admin, json={"is_active": True}).status_code == 200
    access = login(client, RESET_PASSWORD)["access_token"]
    assert client.post("/auth/logout-all", headers=bearer(access)).status_code == 204
    assert client.delete(f"/users/{ada_id}/2fa", headers=admin).status_code == 204
    spent = [client.post("/auth/login", json={"username": "ada", "password": "wrong password!"}).status_code
             for _ in range(6)]
    assert spent[-1] == 429
    events = client.get("/events", headers=admin, query_string={"user": ada_id, "per_page": 100}).get_json()
    assert client.delete(f"/users/{ada_id}", headers=admin).status_code == 204

    with app.app_context():
        stored = db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.id)).all()
        assert {event.type for event in stored} >= PRODUCED_HERE
        deleted = [event for event in stored if event.type == "account.deleted"]
        assert [event.details["account_id"] for event in deleted] == [ada_id]
        dump = json.dumps([[e.type, e.details, e.ip, e.user_agent, e.session_id] for e in stored])
    failures = {event["details"].get("reason") for event in events if event["type"] == "login.failed"}
    assert failures == {"password", "code", "locked"}
    assert {"type", "at", "ip", "user_agent", "session_id", "user_id", "details"} <= set(events[0])
    logged = "\n".join(f"{record.getMessage()} {getattr(record, 'fields', '')}" for record in caplog.records)
    for secret_value in secrets_used:
        assert secret_value not in dump, "a secret was stored in a security event"
        assert secret_value not in logged, "a secret was logged"
    assert {record.fields["event"] for record in caplog.records if record.name == "taskapi.security"} >= PRODUCED_HERE


def test_a_disabled_accounts_correct_password_is_recorded_as_disabled(client, auth, app):
    auth.register("ada")
    admin = auth.create_admin()
    ada_id = client.get("/auth/me", headers=bearer(login(client)["access_token"])).get_json()["id"]
    client.patch(f"/users/{ada_id}", headers=admin, json={"is_active": False})
    assert client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).status_code == 403
    with app.app_context():
        last = db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.id.desc())).first()
        assert (last.type, last.details, last.user_id) == ("login.failed", {"reason": "disabled"}, ada_id)


def test_each_event_is_announced_once_and_its_receivers_store_and_log_it(client, auth, app, caplog):
    caplog.set_level(logging.INFO, logger="taskapi.security")
    announced = []
    with security_event.connected_to(lambda event, **_: announced.append(event.type)):
        auth.register("ada")
        assert client.post("/auth/login", json={"username": "ada", "password": "not it"}).status_code == 401
        headers = auth.headers("ada", register=False)
        assert client.post("/auth/logout", headers=headers).status_code == 204
    assert announced == ["login.failed", "login.succeeded", "logout"]
    with app.app_context():
        stored = db.session.scalars(select(SecurityEvent.type).order_by(SecurityEvent.id)).all()
    assert stored == announced
    assert [record.fields["event"] for record in caplog.records if record.name == "taskapi.security"] == announced


def test_the_walk_through_covers_every_event_type():
    assert PRODUCED_HERE == EVENT_TYPES, "a new event type needs its action in the walk-through above"
