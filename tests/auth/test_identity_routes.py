"""The tasks routes read the account's columns with the session check (no User entity), and every
change to the session or the account still bites on the very next request there."""

import pytest
from flask import g, request_finished
from flask_jwt_extended import current_user

from taskapi.auth.sessions.identity import AccountIdentity
from taskapi.models import User
from tests.conftest import PASSWORD


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def user_id(client, headers):
    return client.get("/auth/me", headers=headers).get_json()["id"]


@pytest.fixture
def ada(auth):
    auth.register("ada")
    return auth.login("ada").get_json()


def test_a_task_route_sees_the_account_as_its_columns(app, client, ada):
    seen = []

    def look(sender, response, **extra):
        if g.get("_jwt_extended_jwt_user"):
            account = current_user._get_current_object()
            seen.append((account, type(account), account.id))

    with request_finished.connected_to(look, app):
        assert client.post("/tasks", json={"title": "one"}, headers=bearer(ada["access_token"])).status_code == 201
        assert client.get("/auth/me", headers=bearer(ada["access_token"])).status_code == 200
    (identity, _, ada_id), (_, other_type, other_id) = seen
    assert isinstance(identity, AccountIdentity) and identity.username == "ada" and not identity.is_admin
    assert other_type is User and other_id == ada_id  # other routes: the User entity
    with pytest.raises(AttributeError):
        identity.password_hash  # noqa: B018 (a column the tasks routes may not read)


def test_a_logout_bites_on_the_next_task_request(client, ada):
    headers = bearer(ada["access_token"])
    assert client.post("/tasks", json={"title": "before"}, headers=headers).status_code == 201
    assert client.post("/auth/logout", headers=headers).status_code == 204
    assert client.get("/tasks", headers=headers).status_code == 401
    assert client.post("/tasks", json={"title": "after"}, headers=headers).status_code == 401


def test_disabling_an_account_bites_on_its_next_task_request(client, auth, ada, admin_headers):
    headers = bearer(ada["access_token"])
    assert client.get("/tasks", headers=headers).status_code == 200
    ada_id = user_id(client, headers)
    assert client.patch(f"/users/{ada_id}", json={"is_active": False}, headers=admin_headers).status_code == 200
    assert client.get("/tasks", headers=headers).status_code == 401
    assert client.post("/tasks", json={"title": "after"}, headers=headers).status_code == 401


def test_a_password_change_bites_on_the_next_task_request(client, ada):
    headers = bearer(ada["access_token"])
    changed = client.post("/auth/password", headers=headers,
                          json={"current_password": PASSWORD, "new_password": "violet anchor seldom river"})
    assert changed.status_code == 200, changed.get_json()
    assert client.get("/tasks", headers=headers).status_code == 401


def test_a_demotion_bites_on_the_next_task_request(client, auth, admin_headers):
    second = auth.create_admin("root2")
    assert client.get("/tasks?all=true", headers=second).status_code == 200
    second_id = user_id(client, second)
    assert client.patch(f"/users/{second_id}", headers=admin_headers, json={"role": "user"}).status_code == 200
    assert client.get("/tasks?all=true", headers=second).status_code == 403
    promoted = auth.headers("bob")
    assert client.get("/tasks?all=true", headers=promoted).status_code == 403
    bob_id = user_id(client, promoted)
    assert client.patch(f"/users/{bob_id}", headers=admin_headers, json={"role": "admin"}).status_code == 200
    assert client.get("/tasks?all=true", headers=promoted).status_code == 200  # the same token, promoted at once
