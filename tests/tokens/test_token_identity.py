"""On the tasks routes an access token's account is read as columns too (AccountIdentity), with the
token's scopes deciding its admin power as on the User entity, and every change still bites at once."""

from flask import g, request_finished
from flask_jwt_extended import current_user

from taskapi.auth.sessions.identity import AccountIdentity
from tests.conftest import ADMIN_PASSWORD
from tests.tokens.conftest import bearer


def test_a_tokens_account_on_a_task_route_carries_the_tokens_scopes(app, client, user_headers, make_token):
    token = make_token(user_headers, ["tasks:read", "tasks:write"])
    seen = []

    def look(sender, response, **extra):
        if g.get("_jwt_extended_jwt_user"):
            seen.append(current_user._get_current_object())

    with request_finished.connected_to(look, app):
        assert client.post("/tasks", json={"title": "by token"}, headers=bearer(token)).status_code == 201
    [identity] = seen
    assert isinstance(identity, AccountIdentity) and identity.username == "ada"
    assert identity.token_scopes == {"tasks:read", "tasks:write"} and not identity.is_admin


def test_an_admin_token_with_the_admin_scope_lists_every_owner(client, admin_headers, make_token):
    with_admin = make_token(admin_headers, ["tasks:read", "admin"], password=ADMIN_PASSWORD)
    without = make_token(admin_headers, ["tasks:read"], password=ADMIN_PASSWORD)
    assert client.get("/tasks?all=true", headers=bearer(with_admin)).status_code == 200
    assert client.get("/tasks?all=true", headers=bearer(without)).status_code == 403


def test_disabling_the_account_bites_on_the_tokens_next_task_request(client, auth, admin_headers, make_token):
    ada = auth.headers("ada")
    token = make_token(ada, ["tasks:read"])
    assert client.get("/tasks", headers=bearer(token)).status_code == 200
    ada_id = client.get("/auth/me", headers=ada).get_json()["id"]
    assert client.patch(f"/users/{ada_id}", json={"is_active": False}, headers=admin_headers).status_code == 200
    assert client.get("/tasks", headers=bearer(token)).status_code == 401
