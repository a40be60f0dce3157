"""An admin clears a user's second factor: DELETE /users/{id}/2fa and ``flask users reset-2fa``."""

import pyotp
import pytest

from tests.conftest import PASSWORD

REAUTH = {"current_password": PASSWORD}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def locked_out(client, auth):
    """ada with 2FA on (and her authenticator lost): her id, token pair, and recovery codes."""
    auth.register("ada")
    pair = auth.login("ada").get_json()
    secret = client.post("/auth/2fa/setup", json=REAUTH, headers=bearer(pair["access_token"])).get_json()["secret"]
    enabled = client.post("/auth/2fa/enable", json={**REAUTH, "code": pyotp.TOTP(secret).now()},
                          headers=bearer(pair["access_token"]))
    assert enabled.status_code == 200
    assert auth.login("ada").get_json()["error"] == "mfa_required"
    me = client.get("/auth/me", headers=bearer(pair["access_token"])).get_json()
    return {"id": me["id"], "pair": pair, "codes": enabled.get_json()["recovery_codes"], "secret": secret}


def assert_cleared(client, auth, locked_out):
    """2FA off, every old token dead, the password alone signs in, and old codes are gone."""
    assert client.get("/auth/me", headers=bearer(locked_out["pair"]["access_token"])).status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": locked_out["pair"]["refresh_token"]}).status_code == 401
    login = auth.login("ada")
    assert login.status_code == 200, login.get_json()
    me = client.get("/auth/me", headers=bearer(login.get_json()["access_token"])).get_json()
    assert me["two_factor_enabled"] is False
    # Setting up again starts from a new secret; the old recovery codes are gone with the old one.
    again = client.post("/auth/2fa/setup", json=REAUTH, headers=bearer(login.get_json()["access_token"]))
    assert again.status_code == 200 and again.get_json()["secret"] != locked_out["secret"]


def test_admin_clears_a_users_second_factor_and_ends_their_sessions(client, auth, admin_headers, locked_out):
    response = client.delete(f"/users/{locked_out['id']}/2fa", headers=admin_headers)
    assert response.status_code == 204, response.get_json()
    assert_cleared(client, auth, locked_out)


def test_clearing_is_idempotent(client, admin_headers, locked_out):
    for _ in range(2):
        assert client.delete(f"/users/{locked_out['id']}/2fa", headers=admin_headers).status_code == 204


def test_order_is_401_then_403_then_404(client, auth, admin_headers, locked_out):
    url = f"/users/{locked_out['id']}/2fa"
    assert client.delete(url).status_code == 401
    assert client.delete(url, headers=bearer("not.a.token")).status_code == 401
    forbidden = client.delete(url, headers=auth.headers("bob"))
    assert forbidden.status_code == 403 and forbidden.mimetype == "application/problem+json"
    # the owner herself is no admin either: her password and code go to POST /auth/2fa/disable
    assert client.delete(url, headers=bearer(locked_out["pair"]["access_token"])).status_code == 403
    for missing in ("/users/999999/2fa", "/users/0/2fa"):
        response = client.delete(missing, headers=admin_headers)
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert auth.login("ada").get_json()["error"] == "mfa_required"  # nothing was cleared on the way


def test_the_route_is_documented_for_admins(client):
    operation = client.get("/openapi.json").get_json()["paths"]["/users/{user_id}/2fa"]["delete"]
    assert {"204", "401", "403", "404"} <= set(operation["responses"])
    assert operation["security"]


def test_cli_reset_2fa(runner, client, auth, locked_out):
    result = runner.invoke(args=["users", "reset-2fa", "ADA"])
    assert result.exit_code == 0, result.output
    assert "two-factor authentication is off" in result.output
    assert_cleared(client, auth, locked_out)


def test_cli_reset_2fa_of_nobody_fails(runner):
    result = runner.invoke(args=["users", "reset-2fa", "nobody"])
    assert result.exit_code == 1 and "no user named 'nobody'" in result.output


def test_a_recovery_code_no_longer_works_after_the_reset(client, auth, admin_headers, locked_out):
    client.delete(f"/users/{locked_out['id']}/2fa", headers=admin_headers)
    login = auth.login("ada", otp=locked_out["codes"][0])
    assert login.status_code == 200  # 2FA is off: the otp is ignored, and the code cannot be spent later
    token = login.get_json()["access_token"]
    secret = client.post("/auth/2fa/setup", json=REAUTH, headers=bearer(token)).get_json()["secret"]
    client.post("/auth/2fa/enable", json={**REAUTH, "code": pyotp.TOTP(secret).now()}, headers=bearer(token))
    assert auth.login("ada", otp=locked_out["codes"][1]).status_code == 401
