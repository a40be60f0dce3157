"""Re-authentication: every change to how an account signs in needs the current password in the body."""

import pyotp
import pytest

from taskapi.auth.signin.reauth import Purpose
from tests.auth.passkey_helpers import add_passkey
from tests.conftest import PASSWORD
from tests.operations import OPERATIONS

WRONG = "not the password at all"
NEW_PASSWORD = "violet mountain river clock"
# Every operation that re-authenticates, as /openapi.json declares it (x-reauthentication: its purpose).
PURPOSES = {(op.method, op.path): op.reauthentication for op in OPERATIONS if op.reauthentication}
SIGN_IN_CHANGES = sorted(PURPOSES)
# Those that change how an account signs in (password, email, 2FA, passkeys, deletion, access tokens): at least.
KNOWN = {("POST", "/auth/password"), ("PATCH", "/users/me"), ("POST", "/auth/2fa/setup"),
         ("POST", "/auth/2fa/enable"), ("POST", "/auth/2fa/disable"), ("DELETE", "/users/me"),
         ("POST", "/auth/passkeys/register/options"), ("DELETE", "/auth/passkeys/{passkey_id}"),
         ("POST", "/auth/tokens")}
LEGACY_PASSWORD = {("POST", "/auth/2fa/disable"), ("DELETE", "/users/me")}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def set_up(client, headers):
    return client.post("/auth/2fa/setup", json={"current_password": PASSWORD}, headers=headers).get_json()["secret"]


def enable(client, headers):
    secret = set_up(client, headers)
    response = client.post("/auth/2fa/enable", json={"current_password": PASSWORD,
                                                     "code": pyotp.TOTP(secret).now()}, headers=headers)
    assert response.status_code == 200
    return response.get_json()["recovery_codes"]


def prepare(client, headers, method, path):
    """Put ada where ``method path`` can succeed; its body without any password."""
    if path == "/auth/passkeys/{passkey_id}":
        add_passkey(client, headers)
        return {}
    if path == "/auth/password":
        return {"new_password": NEW_PASSWORD}
    if path == "/users/me" and method == "PATCH":
        return {"email": "ada@new.example"}
    if path == "/auth/2fa/enable":
        return {"code": pyotp.TOTP(set_up(client, headers)).now()}
    if path == "/auth/2fa/disable":
        return {"code": enable(client, headers)[0]}
    if path == "/auth/tokens":
        return {"name": "script", "scopes": ["tasks:read"], "expires_in_days": 7}
    return {}


def state(client, auth):
    """What the routes change, as a fresh login sees it."""
    login = auth.login("ada")
    if login.status_code != 200:
        return login.status_code, login.get_json().get("error")
    headers = bearer(login.get_json()["access_token"])
    return client.get("/auth/me", headers=headers).get_json(), client.get("/auth/passkeys", headers=headers).get_json()


def concrete(client, headers, path):
    """``path`` with ada's first passkey in place of ``{passkey_id}``."""
    if "{passkey_id}" not in path:
        return path
    return path.replace("{passkey_id}", str(client.get("/auth/passkeys", headers=headers).get_json()[0]["id"]))


@pytest.fixture
def ada(auth):
    auth.register("ada")
    return bearer(auth.token("ada"))


def test_the_list_is_every_operation_that_asks_for_the_current_password(client):
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    asking = set()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = content.get("schema", {}).get("$ref", "")
            if "current_password" in schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}):
                asking.add((method.upper(), path))
    assert asking == set(SIGN_IN_CHANGES), "a body with current_password needs @reauthenticated (and vice versa)"
    assert set(SIGN_IN_CHANGES) >= KNOWN


@pytest.mark.parametrize("method, path", SIGN_IN_CHANGES)
def test_each_documents_its_purpose_and_every_refusal_of_the_secrets(client, method, path):
    operation = client.get("/openapi.json").get_json()["paths"][path][method.lower()]
    assert Purpose(operation["x-reauthentication"])
    assert {"400", "401", "429"} <= set(operation["responses"])


@pytest.mark.parametrize("method, path", SIGN_IN_CHANGES)
def test_openapi_documents_current_password_and_the_legacy_name(client, method, path):
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"][path][method.lower()]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = spec["components"]["schemas"][ref]
    assert schema["properties"]["current_password"]["writeOnly"] is True
    if (method, path) in LEGACY_PASSWORD:
        assert schema["properties"]["password"]["deprecated"] is True
        assert "current_password" not in schema.get("required", [])  # one of the two, said in the descriptions
    else:
        assert "password" not in schema["properties"] and "current_password" in schema["required"]


@pytest.mark.parametrize("method, path", SIGN_IN_CHANGES)
def test_without_the_current_password_nothing_changes(client, auth, ada, method, path):
    body, purpose = prepare(client, ada, method, path), PURPOSES[method, path]
    path = concrete(client, ada, path)
    before = state(client, auth)
    missing = client.open(path, method=method, json=body, headers=ada)
    assert missing.status_code == 422, missing.get_json()
    assert "current_password" in missing.get_json()["errors"]
    wrong = client.open(path, method=method, json={**body, "current_password": WRONG}, headers=ada)
    assert wrong.status_code == 400 and wrong.get_json()["detail"] == "Current password is incorrect"
    refusals = [event["details"] for event in client.get("/auth/events", headers=ada).get_json()
                if event["type"] == "reauth.failed"]
    assert refusals[0] == {"purpose": purpose, "factor": "password", "reason": "wrong"}
    assert state(client, auth) == before
    right = client.open(path, method=method, json={**body, "current_password": PASSWORD}, headers=ada)
    assert right.status_code in (200, 201, 202, 204), right.get_json()


@pytest.mark.parametrize("method, path", sorted(LEGACY_PASSWORD))
def test_older_clients_may_send_password_but_not_both(client, auth, ada, method, path):
    body = prepare(client, ada, method, path)
    both = client.open(path, method=method, json={**body, "password": PASSWORD, "current_password": PASSWORD},
                       headers=ada)
    assert both.status_code == 422 and "current_password" in both.get_json()["errors"]
    assert client.open(path, method=method, json={**body, "password": WRONG}, headers=ada).status_code == 400
    assert client.open(path, method=method, json={**body, "password": PASSWORD}, headers=ada).status_code == 204


def test_a_stolen_access_token_alone_cannot_turn_2fa_on(client, auth, ada):
    assert client.post("/auth/2fa/setup", headers=ada).status_code in (400, 415, 422)  # no body at all
    assert client.post("/auth/2fa/setup", json={}, headers=ada).status_code == 422
    assert client.post("/auth/2fa/setup", json={"current_password": WRONG}, headers=ada).status_code == 400
    # no secret was made: there is nothing to enable, and the owner still signs in with the password alone
    assert client.post("/auth/2fa/enable", json={"current_password": WRONG, "code": "123456"},
                       headers=ada).status_code == 409
    assert auth.login("ada").status_code == 200


def test_enable_checks_the_password_even_after_a_setup(client, auth, ada):
    secret = set_up(client, ada)
    code = pyotp.TOTP(secret).now()
    assert client.post("/auth/2fa/enable", json={"code": code, "current_password": WRONG},
                       headers=ada).status_code == 400
    assert auth.login("ada").status_code == 200  # still off
    assert client.post("/auth/2fa/enable", json={"code": code, "current_password": PASSWORD},
                       headers=ada).status_code == 200
