"""Sign-in with an explicit second step: 401 mfa_required with an mfa_token, then POST /auth/login/2fa (class 8)."""

import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, update

from taskapi.auth.signin import login as login_module
from taskapi.extensions import db
from taskapi.models import SecondStep, SecurityEvent, utcnow
from tests.conftest import PASSWORD


@pytest.fixture
def ada(client, auth):
    """ada with 2FA on: (headers, secret, recovery codes)."""
    headers = auth.headers("ada")
    secret = client.post("/auth/2fa/setup", json={"current_password": PASSWORD}, headers=headers).get_json()["secret"]
    enabled = client.post("/auth/2fa/enable", json={"current_password": PASSWORD, "code": pyotp.TOTP(secret).now()},
                          headers=headers)
    assert enabled.status_code == 200
    return headers, secret, enabled.get_json()["recovery_codes"]


def code(secret, steps=1):
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def first_step(client, password=PASSWORD):
    return client.post("/auth/login", json={"username": "ada", "password": password})


def second_step(client, token, otp):
    return client.post("/auth/login/2fa", json={"mfa_token": token, "otp": otp})


def test_a_right_password_answers_mfa_required_with_a_token(client, ada):
    response = first_step(client)
    body = response.get_json()
    assert response.status_code == 401 and body["error"] == "mfa_required"
    assert isinstance(body["mfa_token"], str) and len(body["mfa_token"]) > 40
    assert "access_token" not in body
    wrong = first_step(client, "wrong passphrase 987")
    assert wrong.status_code == 401 and "mfa_token" not in wrong.get_json()


def test_the_second_step_signs_in_without_a_second_password_check(app, client, ada, monkeypatch):
    _, secret, _ = ada
    token = first_step(client).get_json()["mfa_token"]

    def no_bcrypt(*args):
        raise AssertionError("the second step ran a password check")

    monkeypatch.setattr(login_module, "verify_password", no_bcrypt)
    monkeypatch.setattr(login_module, "burn_equal_time", no_bcrypt)
    response = second_step(client, token, code(secret))
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"].startswith("no-store")
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {response.get_json()['access_token']}"})
    assert me.get_json()["username"] == "ada"


def test_the_token_is_single_use(client, ada):
    _, secret, codes = ada
    token = first_step(client).get_json()["mfa_token"]
    assert second_step(client, token, code(secret)).status_code == 200
    again = second_step(client, token, codes[0])
    assert again.status_code == 401 and again.get_json()["error"] == "mfa_token_invalid"


def test_a_wrong_code_is_a_recorded_failure_and_the_token_survives_it(app, client, ada):
    _, secret, codes = ada
    token = first_step(client).get_json()["mfa_token"]
    wrong = second_step(client, token, "zzzzzz-zzzzzz")
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "mfa_invalid"
    with app.app_context():
        event = db.session.scalars(select(SecurityEvent).where(SecurityEvent.type == "login.failed")
                                   .order_by(SecurityEvent.id)).all()[-1]
        assert event.details == {"reason": "code"}
    assert second_step(client, token, codes[0]).status_code == 200  # a recovery code completes it too


@pytest.mark.parametrize("spoil", ["tampered", "expired", "password_changed", "garbage"])
def test_a_spoilt_token_is_refused(app, client, ada, spoil):
    headers, secret, codes = ada
    token = first_step(client).get_json()["mfa_token"]
    if spoil == "tampered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif spoil == "expired":
        with app.app_context():
            db.session.execute(update(SecondStep).values(expires_at=utcnow() - timedelta(seconds=1)))
            db.session.commit()
    elif spoil == "password_changed":
        changed = client.post("/auth/password", headers=headers, json={
            "current_password": PASSWORD, "otp": code(secret), "new_password": "a brand new passphrase 42"})
        assert changed.status_code == 200, changed.get_json()
    else:
        token = "x" * 80
    response = second_step(client, token, codes[0])
    assert response.status_code == 401 and response.get_json()["error"] == "mfa_token_invalid"
    assert response.mimetype == "application/problem+json"


def test_a_token_is_bound_to_its_account(client, auth, ada):
    _, secret, _ = ada
    grace = auth.headers("grace")
    setup = client.post("/auth/2fa/setup", json={"current_password": PASSWORD}, headers=grace)
    grace_secret = setup.get_json()["secret"]
    client.post("/auth/2fa/enable", json={"current_password": PASSWORD, "code": pyotp.TOTP(grace_secret).now()},
                headers=grace)
    grace_token = client.post("/auth/login", json={"username": "grace", "password": PASSWORD}).get_json()["mfa_token"]
    response = second_step(client, grace_token, code(secret))  # ada's code for grace's sign-in
    assert response.status_code == 401 and response.get_json()["error"] == "mfa_invalid"
    done = second_step(client, grace_token, pyotp.TOTP(grace_secret).at(time.time() + 30))
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {done.get_json()['access_token']}"})
    assert me.get_json()["username"] == "grace"


def test_the_one_request_otp_still_signs_in(client, ada):
    _, secret, _ = ada
    response = client.post("/auth/login", json={"username": "ada", "password": PASSWORD, "otp": code(secret)})
    assert response.status_code == 200 and "access_token" in response.get_json()


def test_the_second_step_is_declared_public_with_its_answers(client):
    operation = client.get("/openapi.json").get_json()["paths"]["/auth/login/2fa"]["post"]
    assert not operation.get("security")
    assert {"200", "401", "403", "422", "429"} <= set(operation["responses"])
    problem = client.get("/openapi.json").get_json()["components"]["schemas"]["Problem"]["properties"]
    assert {"error", "mfa_token"} <= set(problem)
