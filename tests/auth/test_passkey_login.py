"""Signing in with a passkey: by username and discoverable, no TOTP asked, and every refusal a 401 + event."""

import base64
import os
import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from taskapi.extensions import db
from taskapi.models import SecurityEvent
from tests.auth.passkey_helpers import add_passkey, bearer, login_options, passkey_login, register_options
from tests.auth.webauthn_authenticator import SoftAuthenticator
from tests.conftest import PASSWORD


def last_event(app):
    with app.app_context():
        event = db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.id.desc())).first()
        return event.type, event.details, event.user_id


def ada_id(client, headers):
    return client.get("/auth/me", headers=headers).get_json()["id"]


def assert_refused(app, response, user_id=None):
    assert response.status_code == 401, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["detail"] == "Passkey not accepted"
    assert "access_token" not in response.get_json()
    assert last_event(app) == ("login.failed", {"reason": "passkey"}, user_id)


@pytest.mark.parametrize("username", ["ada", "ADA", None])
def test_login_by_username_or_discoverable(app, client, user_headers, username):
    authenticator, passkey = add_passkey(client, user_headers)
    options = login_options(client, username)
    assert options["userVerification"] == "required"
    ids = [item["id"] for item in options["allowCredentials"]]
    assert (ids[:1], len(ids)) == (([authenticator.id], 4) if username else ([], 0))  # padded with stand-ins
    response = client.post("/auth/passkeys/login", json={"credential": authenticator.get(options)})
    assert response.status_code == 200, response.get_json()
    pair = response.get_json()
    assert pair["token_type"] == "bearer" and response.headers["Cache-Control"] == "no-store"
    me = client.get("/auth/me", headers=bearer(pair["access_token"]))
    assert me.get_json()["username"] == "ada"
    assert last_event(app) == ("login.succeeded", {"method": "passkey"}, me.get_json()["id"])
    events = client.get("/auth/events", headers=bearer(pair["access_token"])).get_json()
    assert {"type": "login.succeeded", "details": {"method": "passkey"}}.items() <= events[0].items()
    used = client.get("/auth/passkeys", headers=user_headers).get_json()[0]
    assert used["id"] == passkey["id"] and used["last_used_at"] is not None
    assert client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 200


def test_a_passkey_login_with_2fa_enabled_needs_no_code(client, user_headers):
    secret = client.post("/auth/2fa/setup", headers=user_headers, json={"current_password": PASSWORD}
                         ).get_json()["secret"]
    enabled = client.post("/auth/2fa/enable", headers=user_headers,
                          json={"current_password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert enabled.status_code == 200
    assert client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).status_code == 401
    authenticator, _ = add_passkey(client, user_headers, otp=pyotp.TOTP(secret).at(time.time() + 30))
    assert passkey_login(client, authenticator, "ada").status_code == 200
    assert passkey_login(client, authenticator).status_code == 200


@pytest.mark.parametrize("change", [{"origin": "https://evil.example"}, {"origin": "http://localhost:8001"},
                                    {"rp_id": "evil.example"}, {"verified": False}])
def test_wrong_origin_rp_id_hash_or_no_user_verification_is_refused(app, client, user_headers, change):
    authenticator, _ = add_passkey(client, user_headers)
    assert_refused(app, passkey_login(client, authenticator, "ada", **change), ada_id(client, user_headers))


def test_a_sign_counter_going_backwards_is_refused(app, client, user_headers):
    authenticator, _ = add_passkey(client, user_headers)
    assert passkey_login(client, authenticator, sign_count=7).status_code == 200
    assert_refused(app, passkey_login(client, authenticator, sign_count=3), ada_id(client, user_headers))
    assert_refused(app, passkey_login(client, authenticator, sign_count=7), ada_id(client, user_headers))
    assert passkey_login(client, authenticator, sign_count=8).status_code == 200


def test_a_counter_that_stays_zero_is_accepted(client, user_headers):
    # Synced passkeys (iCloud, Google) always report 0: no clone can be told from them, so both zero is fine.
    authenticator, _ = add_passkey(client, user_headers)
    assert passkey_login(client, authenticator, sign_count=0).status_code == 200
    assert passkey_login(client, authenticator, sign_count=0).status_code == 200


def test_a_login_challenge_is_single_use(app, client, user_headers):
    authenticator, _ = add_passkey(client, user_headers)
    options = login_options(client, "ada")
    assert client.post("/auth/passkeys/login", json={"credential": authenticator.get(options)}).status_code == 200
    assert_refused(app, client.post("/auth/passkeys/login", json={"credential": authenticator.get(options)}))


def test_an_unknown_challenge_is_refused(app, client, user_headers):
    authenticator, _ = add_passkey(client, user_headers)
    forged = base64.urlsafe_b64encode(os.urandom(64)).decode().rstrip("=")
    credential = authenticator.get(login_options(client), challenge=forged)
    assert_refused(app, client.post("/auth/passkeys/login", json={"credential": credential}))


def test_an_expired_challenge_is_refused(make_app):
    app = make_app(WEBAUTHN_CHALLENGE_MAX_AGE=timedelta(seconds=-1))
    client = app.test_client()
    assert client.post("/auth/register", json={"username": "ada", "password": PASSWORD}).status_code == 201
    headers = bearer(client.post("/auth/login", json={"username": "ada", "password": PASSWORD}
                                 ).get_json()["access_token"])
    credential = SoftAuthenticator().create(register_options(client, headers))
    assert client.post("/auth/passkeys/register", headers=headers, json={"credential": credential}).status_code == 400
    assert_refused(app, passkey_login(client, SoftAuthenticator()))


def test_a_register_challenge_cannot_sign_in(app, client, user_headers):
    authenticator, _ = add_passkey(client, user_headers)
    register_challenge = register_options(client, user_headers)["challenge"]
    credential = authenticator.get(login_options(client), challenge=register_challenge)
    assert_refused(app, client.post("/auth/passkeys/login", json={"credential": credential}))


def test_an_unknown_credential_is_refused(app, client, user_headers):
    add_passkey(client, user_headers)
    assert_refused(app, passkey_login(client, SoftAuthenticator()))
    assert_refused(app, passkey_login(client, SoftAuthenticator(), "ada"), ada_id(client, user_headers))


def test_a_credential_of_another_account_than_the_one_named_is_refused(app, client, auth, user_headers):
    ada_key, _ = add_passkey(client, user_headers)
    bob = auth.headers("bob")
    add_passkey(client, bob)
    assert_refused(app, passkey_login(client, ada_key, "bob"), ada_id(client, bob))


def test_a_user_handle_of_another_account_is_refused(app, client, auth, user_headers):
    ada_key, _ = add_passkey(client, user_headers)
    bob_key, _ = add_passkey(client, auth.headers("bob"))
    ada_key.user_handle = bob_key.user_handle
    assert_refused(app, passkey_login(client, ada_key), ada_id(client, user_headers))


def test_passkey_failures_spend_a_budget_of_their_own(app, client, user_headers):
    authenticator, _ = add_passkey(client, user_headers)
    for _ in range(5):
        assert passkey_login(client, authenticator, origin="https://evil.example").status_code == 401
    locked = passkey_login(client, authenticator)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert last_event(app)[:2] == ("login.failed", {"reason": "locked"})
    assert client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).status_code == 200


def test_wrong_passwords_and_codes_never_lock_the_passkey_sign_in(client, user_headers):
    authenticator, _ = add_passkey(client, user_headers)
    for _ in range(5):
        client.post("/auth/login", json={"username": "ada", "password": "wrong password!"})
    assert client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).status_code == 429
    assert passkey_login(client, authenticator, "ada").status_code == 200
    assert passkey_login(client, authenticator).status_code == 200


def test_passkey_logins_share_the_per_ip_login_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_LOGIN_PER_IP="3/minute")
    client = app.test_client()
    for _ in range(2):
        client.post("/auth/login", json={"username": "nobody", "password": "wrong password!"})
    assert client.post("/auth/passkeys/login/options", json={}).status_code == 200
    limited = client.post("/auth/passkeys/login", json={"credential": {}})
    assert limited.status_code == 429
    assert client.post("/auth/passkeys/login/options", json={}).status_code == 429


def test_a_disabled_account_cannot_sign_in_with_its_passkey(app, client, auth, user_headers):
    authenticator, _ = add_passkey(client, user_headers)
    admin = auth.create_admin()
    client.patch(f"/users/{ada_id(client, user_headers)}", headers=admin, json={"is_active": False})
    assert passkey_login(client, authenticator).status_code == 403
    assert last_event(app)[:2] == ("login.failed", {"reason": "disabled"})


def credential_id_length(descriptor):
    return len(base64.urlsafe_b64decode(descriptor["id"] + "=" * (-len(descriptor["id"]) % 4)))


@pytest.mark.parametrize("name", ["nobody-by-this-name", "bob"])
def test_options_for_a_name_without_passkeys_look_like_options_for_one_with(client, auth, user_headers, name):
    auth.register("bob")  # an account with no passkey
    add_passkey(client, user_headers)
    real, *_ = login_options(client, "ada")["allowCredentials"]
    imaginary = login_options(client, name)["allowCredentials"]
    assert len(imaginary) == 4 and all(item.keys() == real.keys() for item in imaginary)
    assert all(credential_id_length(item) in (16, 32, 64) and item["type"] == "public-key" for item in imaginary)
    assert real not in imaginary
    assert login_options(client, name.upper())["allowCredentials"] == imaginary  # the same every time
    assert login_options(client, name + "x")["allowCredentials"] != imaginary
    assert login_options(client)["allowCredentials"] == []  # no name: any discoverable passkey


def test_imaginary_credentials_depend_on_the_secret_key(make_app):
    first, second = make_app().test_client(), make_app(SECRET_KEY="x" * 48).test_client()
    assert login_options(first, "nobody")["allowCredentials"] != login_options(second, "nobody")["allowCredentials"]
