"""TOTP two-factor login through HTTP, with pyotp generating the codes an authenticator app would."""

import time

import pyotp
import pytest
from sqlalchemy import select

from config import TestConfig
from tests.conftest import PASSWORD, AuthActions

REAUTH = {"current_password": PASSWORD}


@pytest.fixture
def ada(auth):
    """Bearer headers of ada (2FA not yet set up)."""
    return auth.headers("ada")


def code_at(secret, steps_from_now=0):
    """The code for the 30-second step ``steps_from_now`` away from the current one."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_from_now)


def set_up(client, headers):
    response = client.post("/auth/2fa/setup", json=REAUTH, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response


@pytest.fixture
def enabled(client, ada):
    """ada with 2FA on: (secret, recovery codes). The current step's code is already spent by enabling."""
    secret = set_up(client, ada).get_json()["secret"]
    response = client.post("/auth/2fa/enable", json={**REAUTH, "code": code_at(secret)}, headers=ada)
    assert response.status_code == 200, response.get_json()
    return secret, response.get_json()["recovery_codes"]


def test_setup_answers_a_secret_uri_and_qr_code(client, ada):
    response = set_up(client, ada)
    body = response.get_json()
    assert response.headers["Cache-Control"].startswith("no-store")
    assert len(body["secret"]) >= 32  # 160 bits, base32
    uri = pyotp.parse_uri(body["otpauth_uri"])
    assert uri.secret == body["secret"]
    assert uri.issuer == "taskapi" and uri.name == "ada"
    assert body["qr_svg"].startswith("<svg") and body["qr_svg"].rstrip().endswith("</svg>")


def test_setup_alone_does_not_turn_2fa_on(client, auth, ada):
    set_up(client, ada)
    assert auth.login("ada").status_code == 200
    assert client.get("/auth/me", headers=ada).get_json()["two_factor_enabled"] is False


def test_enable_needs_a_valid_code_and_returns_ten_single_use_recovery_codes(client, ada):
    secret = set_up(client, ada).get_json()["secret"]
    bad_code = "000000" if code_at(secret) != "000000" else "111111"
    wrong = client.post("/auth/2fa/enable", json={**REAUTH, "code": bad_code}, headers=ada)
    assert wrong.status_code == 400
    assert client.get("/auth/me", headers=ada).get_json()["two_factor_enabled"] is False
    enabled = client.post("/auth/2fa/enable", json={**REAUTH, "code": code_at(secret)}, headers=ada)
    assert enabled.status_code == 200
    codes = enabled.get_json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    assert client.get("/auth/me", headers=ada).get_json()["two_factor_enabled"] is True


def test_enable_without_setup_or_twice_is_a_409(client, ada, auth):
    assert client.post("/auth/2fa/enable", json={**REAUTH, "code": "123456"}, headers=ada).status_code == 409
    other = auth.headers("grace")
    secret = set_up(client, other).get_json()["secret"]
    client.post("/auth/2fa/enable", json={**REAUTH, "code": code_at(secret)}, headers=other)
    again = client.post("/auth/2fa/enable", json={**REAUTH, "code": code_at(secret, 1)}, headers=other)
    assert again.status_code == 409
    assert client.post("/auth/2fa/setup", json=REAUTH, headers=other).status_code == 409


def test_login_without_a_code_is_401_mfa_required(auth, enabled):
    response = auth.login("ada")
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"] == "mfa_required"
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "access_token" not in body


def test_a_wrong_code_is_401(auth, enabled):
    secret, _ = enabled
    wrong = "000000" if code_at(secret, 1) != "000000" else "111111"
    response = auth.login("ada", otp=wrong)
    assert response.status_code == 401
    assert response.get_json()["error"] == "mfa_invalid"


def test_a_wrong_password_with_a_good_code_is_the_plain_401(auth, enabled):
    secret, _ = enabled
    response = auth.login("ada", "not the password at all", otp=code_at(secret, 1))
    assert response.status_code == 401
    assert "error" not in response.get_json()


def test_a_valid_code_logs_in_once_then_is_a_replay(auth, enabled):
    secret, _ = enabled
    code = code_at(secret, 1)  # the next step: inside the ±1 window, not yet used
    first = auth.login("ada", otp=code)
    assert first.status_code == 200
    assert first.get_json()["access_token"]
    replay = auth.login("ada", otp=code)
    assert replay.status_code == 401
    assert replay.get_json()["error"] == "mfa_invalid"


def test_the_code_used_to_enable_cannot_log_in(client, auth, ada):
    secret = set_up(client, ada).get_json()["secret"]
    code = code_at(secret)
    assert client.post("/auth/2fa/enable", json={**REAUTH, "code": code}, headers=ada).status_code == 200
    assert auth.login("ada", otp=code).status_code == 401


def test_codes_outside_the_window_are_refused(auth, enabled):
    secret, _ = enabled
    assert auth.login("ada", otp=code_at(secret, 3)).status_code == 401
    assert auth.login("ada", otp=code_at(secret, -3)).status_code == 401


def test_a_recovery_code_works_exactly_once(auth, enabled):
    _, codes = enabled
    assert auth.login("ada", otp=codes[0]).status_code == 200
    assert auth.login("ada", otp=codes[0]).status_code == 401
    assert auth.login("ada", otp=codes[1].upper()).status_code == 200  # case-insensitive


def test_the_oauth2_form_endpoint_takes_otp_too(client, enabled):
    secret, _ = enabled
    form = {"username": "ada", "password": PASSWORD}
    missing = client.post("/auth/token", data=form)
    assert missing.status_code == 401 and missing.get_json()["error"] == "mfa_required"
    assert client.post("/auth/token", data={**form, "otp": code_at(secret, 1)}).status_code == 200


def test_disable_needs_password_and_code(client, auth, ada, enabled):
    secret, codes = enabled
    assert client.post("/auth/2fa/disable", json={"password": "wrong password here", "code": codes[0]},
                       headers=ada).status_code == 400
    assert client.post("/auth/2fa/disable", json={"password": PASSWORD, "code": "000000x"},
                       headers=ada).status_code == 400
    assert client.post("/auth/2fa/disable", json={"password": PASSWORD, "code": code_at(secret, 1)},
                       headers=ada).status_code == 204
    assert auth.login("ada").status_code == 200
    assert client.get("/auth/me", headers=ada).get_json()["two_factor_enabled"] is False
    assert client.post("/auth/2fa/disable", json={"password": PASSWORD, "code": codes[0]},
                       headers=ada).status_code == 409


def test_secrets_and_recovery_codes_are_not_stored_in_clear(app, enabled):
    from taskapi.extensions import db
    from taskapi.models import RecoveryCode, User

    secret, codes = enabled
    with app.app_context():
        stored_secret = db.session.scalar(select(User.totp_secret).where(User.username == "ada"))
        stored_codes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert secret not in stored_secret
    assert len(stored_codes) == 10
    assert not set(codes) & set(stored_codes)
    assert not any(code.replace("-", "") in stored for code in codes for stored in stored_codes)


def test_setup_and_enable_need_a_token(client):
    assert client.post("/auth/2fa/setup").status_code == 401
    assert client.post("/auth/2fa/enable", json={**REAUTH, "code": "123456"}).status_code == 401
    assert client.post("/auth/2fa/disable", json={"password": PASSWORD, "code": "123456"}).status_code == 401


ROTATED_SECRET = "a-new-secret-key-after-rotation-long-enough-0123456789"


def rotated_auth(make_app, **settings):
    """(auth helpers, test client) of an app whose SECRET_KEY was rotated."""
    app = make_app(SECRET_KEY=ROTATED_SECRET, **settings)
    client = app.test_client()
    return AuthActions(client, app.test_cli_runner()), client


def test_after_rotating_secret_key_the_old_key_as_a_fallback_keeps_2fa_working(make_app, enabled):
    secret, codes = enabled
    rotated, _ = rotated_auth(make_app, SECRET_KEY_FALLBACKS=[TestConfig.SECRET_KEY])
    assert rotated.login("ada", otp=code_at(secret, 1)).status_code == 200
    assert rotated.login("ada", otp=codes[0]).status_code == 200


def test_after_rotating_secret_key_without_the_fallback_old_2fa_fails_closed(make_app, enabled):
    secret, codes = enabled
    rotated, _ = rotated_auth(make_app)
    for otp in (code_at(secret, 1), codes[0]):
        response = rotated.login("ada", otp=otp)
        assert response.status_code == 401
        assert response.get_json()["error"] == "mfa_invalid"


def test_2fa_set_up_after_rotation_uses_the_new_key(make_app):
    rotated, client = rotated_auth(make_app, SECRET_KEY_FALLBACKS=[TestConfig.SECRET_KEY])
    headers = rotated.headers("grace")
    secret = set_up(client, headers).get_json()["secret"]
    enabled = client.post("/auth/2fa/enable", json={**REAUTH, "code": code_at(secret)}, headers=headers)
    codes = enabled.get_json()["recovery_codes"]
    # The old key can be dropped now: everything made since needs only the new one.
    new_only, _ = rotated_auth(make_app)
    assert new_only.login("grace", otp=code_at(secret, 1)).status_code == 200
    assert new_only.login("grace", otp=codes[0]).status_code == 200
