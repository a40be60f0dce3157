"""The users blueprint: /users/me for everyone, admin management, guard rails, cascades."""

import pytest
from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import Task, User
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.links import parse_links, walk


def user_id(client, headers):
    return client.get("/auth/me", headers=headers).get_json()["id"]


def test_users_me_alias(client, user_headers):
    assert client.get("/users/me", headers=user_headers).get_json() == \
        client.get("/auth/me", headers=user_headers).get_json()


def test_change_email_needs_current_password_and_waits_for_confirmation(client, user_headers):
    wrong = client.patch("/users/me", headers=user_headers,
                         json={"email": "ada@example.com", "current_password": "nope nope"})
    assert wrong.status_code == 400
    asked = client.patch("/users/me", headers=user_headers,
                         json={"email": "ada@example.com", "current_password": PASSWORD})
    assert asked.status_code == 202 and "email" not in asked.get_json()
    assert client.get("/users/me", headers=user_headers).get_json()["email"] is None  # not until confirmed


def test_removing_the_email_applies_at_once(app, client, auth):
    auth.register("ada", email="ada@example.com")
    headers = {"Authorization": f"Bearer {auth.token('ada')}"}
    removed = client.patch("/users/me", headers=headers, json={"email": None, "current_password": PASSWORD})
    assert removed.status_code == 200 and removed.get_json()["email"] is None
    assert client.get("/users/me", headers=headers).get_json()["email"] is None


def test_change_email_answers_alike_for_a_taken_and_a_free_address(app, client, auth, user_headers):
    auth.register("bob", email="bob@example.com")
    taken = client.patch("/users/me", headers=user_headers,
                         json={"email": "BOB@example.com", "current_password": PASSWORD})
    free = client.patch("/users/me", headers=user_headers,
                        json={"email": "ada@example.com", "current_password": PASSWORD})
    assert taken.status_code == free.status_code == 202
    assert taken.get_json() == free.get_json()
    assert taken.headers["Content-Type"] == free.headers["Content-Type"]
    with app.app_context():  # nothing stored until a token is redeemed; bob keeps his
        emails = dict(db.session.execute(select(User.username, User.email)).all())
    assert emails == {"ada": None, "bob": "bob@example.com"}


def test_delete_me_removes_account_and_tasks(app, client, auth, user_headers, create_task):
    create_task(user_headers)
    assert client.delete("/users/me", headers=user_headers, json={"password": "wrong pw!"}).status_code == 400
    assert client.delete("/users/me", headers=user_headers, json={"password": PASSWORD}).status_code == 204
    assert client.get("/auth/me", headers=user_headers).status_code == 401
    assert auth.login("ada").status_code == 401
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Task)) == 0


ADMIN_ROUTES = [("GET", "/users"), ("PATCH", "/users/{id}"), ("DELETE", "/users/{id}")]


@pytest.mark.parametrize("method, path", ADMIN_ROUTES)
def test_admin_routes_matrix(client, auth, admin_headers, method, path):
    bob = auth.headers("bob")
    url = path.format(id=user_id(client, bob))
    body = {"role": "user"} if method == "PATCH" else None
    assert client.open(url, method=method, json=body).status_code == 401
    forbidden = client.open(url, method=method, json=body, headers=auth.headers("carol"))
    assert forbidden.status_code == 403 and forbidden.get_json()["detail"] == "Admin privileges required"
    assert client.open(url, method=method, json=body, headers=admin_headers).status_code in (200, 204)


def test_get_user_by_id(client, auth, admin_headers, user_headers):
    bob = auth.headers("bob")
    ada_id, bob_id = user_id(client, user_headers), user_id(client, bob)
    assert client.get(f"/users/{ada_id}", headers=user_headers).status_code == 200
    assert client.get(f"/users/{bob_id}", headers=user_headers).status_code == 404
    assert client.get(f"/users/{bob_id}", headers=admin_headers).get_json()["username"] == "bob"
    assert client.get("/users/999999", headers=admin_headers).status_code == 404
    assert client.get(f"/users/{bob_id}").status_code == 401


def test_list_users_filters_and_pages(client, auth, admin_headers):
    for name in ("alice", "bob", "carol"):
        auth.register(name, email=f"{name}@example.com")
    everyone = client.get("/users?per_page=2", headers=admin_headers)
    assert everyone.headers["X-Total-Count"] == "4"
    assert "next" in parse_links(everyone.headers["Link"])
    assert len(walk(client, "/users?per_page=2", admin_headers)) == 4
    assert [u["username"] for u in client.get("/users?q=AL", headers=admin_headers).get_json()] == ["alice"]
    assert [u["username"] for u in client.get("/users?role=admin", headers=admin_headers).get_json()] == ["root"]
    assert client.get("/users?is_active=false", headers=admin_headers).get_json() == []
    assert client.get("/users?role=boss", headers=admin_headers).status_code == 422


def test_disabling_a_user_ends_their_tokens_at_once(client, auth, admin_headers, user_headers):
    ada_id = user_id(client, user_headers)
    response = client.patch(f"/users/{ada_id}", headers=admin_headers, json={"is_active": False})
    assert response.status_code == 200 and response.get_json()["is_active"] is False
    assert client.get("/tasks", headers=user_headers).status_code == 401
    assert auth.login("ada").status_code == 403
    client.patch(f"/users/{ada_id}", headers=admin_headers, json={"is_active": True})
    assert client.get("/tasks", headers=user_headers).status_code == 401  # old tokens stay dead
    assert auth.login("ada").status_code == 200


def test_promotion_takes_effect_at_once(client, admin_headers, user_headers, create_task):
    task = create_task(user_headers)
    client.patch(f"/users/{user_id(client, user_headers)}", headers=admin_headers, json={"role": "admin"})
    assert client.delete(f"/tasks/{task['id']}", headers=user_headers).status_code == 204


def test_last_admin_cannot_be_demoted_disabled_or_deleted(client, admin_headers):
    root_id = user_id(client, admin_headers)
    for method, body in (("PATCH", {"role": "user"}), ("PATCH", {"is_active": False}), ("DELETE", None)):
        response = client.open(f"/users/{root_id}", method=method, json=body, headers=admin_headers)
        assert response.status_code == 409
        assert response.mimetype == "application/problem+json"
    assert client.delete("/users/me", headers=admin_headers,
                         json={"current_password": ADMIN_PASSWORD}).status_code == 409
    assert client.get("/auth/me", headers=admin_headers).get_json()["role"] == "admin"


def test_admin_can_be_demoted_when_another_remains(client, auth, admin_headers):
    second = auth.create_admin("root2")
    root_id = user_id(client, admin_headers)
    assert client.patch(f"/users/{root_id}", headers=second, json={"role": "user"}).status_code == 200


def test_deleting_a_user_cascades_and_leaves_no_orphans(app, client, auth, admin_headers, create_task):
    bob = auth.headers("bob")
    for n in range(3):
        create_task(bob, f"b{n}")
    bob_id = user_id(client, bob)
    assert client.delete(f"/users/{bob_id}", headers=admin_headers).status_code == 204
    with app.app_context():
        orphans = db.session.scalar(select(func.count()).select_from(Task).where(Task.owner_id == bob_id))
        assert orphans == 0
        assert db.session.get(User, bob_id) is None
    assert client.get("/tasks?all=true", headers=admin_headers).headers["X-Total-Count"] == "0"


def test_cli_list_set_role_and_disable(runner, auth, client):
    auth.register("bob")
    auth.create_admin("root")
    listing = runner.invoke(args=["users", "list"])
    assert "bob\tuser\tactive" in listing.output and "root\tadmin\tactive" in listing.output
    assert runner.invoke(args=["users", "set-role", "bob", "admin"]).exit_code == 0
    assert runner.invoke(args=["users", "set-role", "root", "user"]).exit_code == 0
    refused = runner.invoke(args=["users", "disable", "BOB"])
    assert refused.exit_code == 1 and "last active admin" in refused.output
    assert runner.invoke(args=["users", "disable", "root"]).exit_code == 0
    assert auth.login("root", ADMIN_PASSWORD).status_code == 403
    assert runner.invoke(args=["users", "disable", "nobody"]).exit_code == 1
