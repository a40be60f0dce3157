"""POST /auth/register and its alias POST /register."""

import threading

import pytest
from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import User
from tests.conftest import PASSWORD


@pytest.mark.parametrize("path", ["/auth/register", "/register"])
def test_register_returns_user_without_secrets(client, path):
    response = client.post(path, json={"username": "ada", "password": PASSWORD, "email": "Ada@Example.COM"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "username", "email", "role", "is_active", "created_at", "email_verified",
                         "two_factor_enabled", "reminders", "timezone"}
    assert body["email_verified"] is False and body["two_factor_enabled"] is False
    assert body["username"] == "ada" and body["role"] == "user" and body["is_active"] is True
    assert body["email"] == "ada@example.com"  # its one canonical form (taskapi.http.identifiers)
    assert body["created_at"].endswith("Z")
    assert PASSWORD not in response.get_data(as_text=True)
    assert "$2b$" not in response.get_data(as_text=True)


def test_password_is_stored_as_bcrypt_hash(app, auth):
    auth.register("ada")
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash))
    assert stored.startswith("bcrypt-sha256$$2b$04$")
    assert PASSWORD not in stored


@pytest.mark.parametrize("second", ["ada", "ADA", "Ada"])
def test_duplicate_username_is_400_case_insensitively(auth, second):
    assert auth.register("ada").status_code == 201
    response = auth.register(second)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "Username already registered"


def test_duplicate_email_is_400(auth):
    assert auth.register("ada", email="ada@example.com").status_code == 201
    response = auth.register("bob", email="ADA@example.com")
    assert response.status_code == 400
    assert response.get_json()["detail"] == "Email already registered"


@pytest.mark.parametrize("body, field", [
    ({"password": PASSWORD}, "username"),
    ({"username": "ada"}, "password"),
    ({"username": "ab", "password": PASSWORD}, "username"),
    ({"username": "a" * 51, "password": PASSWORD}, "username"),
    ({"username": "ada lovelace", "password": PASSWORD}, "username"),
    ({"username": "ada", "password": "short"}, "password"),
    ({"username": "ada", "password": PASSWORD, "email": "not-an-email"}, "email"),
    ({"username": "ada", "password": PASSWORD, "role": "superuser"}, "role"),
    ({"username": 42, "password": PASSWORD}, "username"),
    ({"username": "ada", "password": PASSWORD, "extra": 1}, "extra"),
])
def test_invalid_registration_is_422_naming_the_field(client, body, field):
    response = client.post("/auth/register", json=body)
    assert response.status_code == 422
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in problem["errors"]


def test_weak_password_is_not_echoed(client):
    response = client.post("/auth/register", json={"username": "ada", "password": "hunter2"})
    assert response.status_code == 422
    assert "hunter2" not in response.get_data(as_text=True)


def test_admin_role_without_token_is_403(client):
    response = client.post("/auth/register", json={"username": "eve", "password": PASSWORD, "role": "admin"})
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Admin privileges required"


def test_admin_role_with_user_token_is_403(client, user_headers):
    response = client.post("/auth/register", headers=user_headers,
                           json={"username": "eve", "password": PASSWORD, "role": "admin"})
    assert response.status_code == 403


def test_admin_can_register_an_admin(client, admin_headers):
    response = client.post("/auth/register", headers=admin_headers,
                           json={"username": "ops", "password": PASSWORD, "role": "admin"})
    assert response.status_code == 201
    assert response.get_json()["role"] == "admin"


def test_lost_registration_race_is_400_not_500(app, auth, monkeypatch):
    assert auth.register("ada").status_code == 201
    # Make the pre-check miss, as it does when a concurrent request inserts first.
    calls = []
    from taskapi.auth.credentials import accounts
    real = accounts.registration_conflict
    monkeypatch.setattr(accounts, "registration_conflict",
                        lambda *args: real(*args) if calls.append(1) or len(calls) > 1 else None)
    response = auth.register("ADA")
    assert response.status_code == 400
    assert response.get_json()["detail"] == "Username already registered"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_simultaneous_registrations_give_one_201(app):
    barrier = threading.Barrier(6)
    statuses = []

    def register():
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post("/auth/register", json={"username": "racer", "password": PASSWORD}).status_code)

    threads = [threading.Thread(target=register) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [400] * 5
