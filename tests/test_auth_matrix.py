"""Every protected route refuses every kind of bad token with 401; admin routes refuse users with 403."""

from datetime import timedelta

import pytest

from taskapi.extensions import db
from taskapi.models import User
from tests.conftest import PASSWORD

PROTECTED_ROUTES = [
    ("GET", "/tasks"),
    ("POST", "/tasks"),
    ("GET", "/tasks/1"),
    ("PATCH", "/tasks/1"),
    ("PUT", "/tasks/1"),
    ("DELETE", "/tasks/1"),
    ("GET", "/auth/me"),
    ("GET", "/users/me"),
    ("PATCH", "/users/me"),
    ("DELETE", "/users/me"),
    ("GET", "/users"),
    ("GET", "/users/1"),
    ("PATCH", "/users/1"),
    ("DELETE", "/users/1"),
    ("POST", "/auth/logout"),
    ("POST", "/auth/logout-all"),
    ("POST", "/auth/password"),
]
ADMIN_ROUTES = [("DELETE", "/tasks/1"), ("GET", "/users"), ("PATCH", "/users/999"), ("DELETE", "/users/999")]


def send(client, method, path, headers):
    body = {"title": "x", "current_password": PASSWORD, "new_password": PASSWORD + "!"} \
        if method in {"POST", "PUT", "PATCH"} and path.startswith(("/tasks", "/auth/password")) else None
    if body is not None and path.startswith("/tasks"):
        body = {"title": "x"}
    return client.open(path, method=method, json=body, headers=headers)


def expired_token(make_app, client):
    client.post("/auth/register", json={"username": "late", "password": PASSWORD})
    expiring = make_app(JWT_ACCESS_TOKEN_EXPIRES=timedelta(seconds=-1)).test_client()
    return expiring.post("/auth/login", json={"username": "late", "password": PASSWORD}).get_json()["access_token"]


def deleted_users_token(app, client):
    client.post("/auth/register", json={"username": "gone", "password": PASSWORD})
    token = client.post("/auth/login", json={"username": "gone", "password": PASSWORD}).get_json()["access_token"]
    with app.app_context():
        db.session.query(User).filter_by(username="gone").delete()
        db.session.commit()
    return token


def disabled_users_token(app, client):
    client.post("/auth/register", json={"username": "off", "password": PASSWORD})
    token = client.post("/auth/login", json={"username": "off", "password": PASSWORD}).get_json()["access_token"]
    with app.app_context():
        db.session.query(User).filter_by(username="off").update({"is_active": False})
        db.session.commit()
    return token


def other_secrets_token(make_app, client):
    other = make_app(SECRET_KEY="another-secret-of-sufficient-length-0123456789",
                     JWT_SECRET_KEY="another-secret-of-sufficient-length-0123456789").test_client()
    other.post("/auth/register", json={"username": "mallory", "password": PASSWORD})
    return other.post("/auth/login", json={"username": "mallory", "password": PASSWORD}).get_json()["access_token"]


def refresh_token(client):
    client.post("/auth/register", json={"username": "fresh", "password": PASSWORD})
    return client.post("/auth/login", json={"username": "fresh", "password": PASSWORD}).get_json()["refresh_token"]


def logged_out_token(client):
    client.post("/auth/register", json={"username": "bye", "password": PASSWORD})
    token = client.post("/auth/login", json={"username": "bye", "password": PASSWORD}).get_json()["access_token"]
    assert client.post("/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    return token


BAD_CREDENTIALS = {
    "garbage": lambda app, make_app, client: "Bearer not.a.jwt",
    "empty bearer": lambda app, make_app, client: "Bearer ",
    "expired": lambda app, make_app, client: "Bearer " + expired_token(make_app, client),
    "deleted user": lambda app, make_app, client: "Bearer " + deleted_users_token(app, client),
    "disabled user": lambda app, make_app, client: "Bearer " + disabled_users_token(app, client),
    "other secret": lambda app, make_app, client: "Bearer " + other_secrets_token(make_app, client),
    "refresh-type token": lambda app, make_app, client: "Bearer " + refresh_token(client),
    "logged out": lambda app, make_app, client: "Bearer " + logged_out_token(client),
}


@pytest.mark.parametrize("method, path", PROTECTED_ROUTES)
def test_no_token_is_401_not_authenticated(client, method, path):
    response = send(client, method, path, {})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json()["detail"] == "Not authenticated"


@pytest.mark.parametrize("kind", list(BAD_CREDENTIALS))
@pytest.mark.parametrize("method, path", PROTECTED_ROUTES)
def test_rejected_token_is_401(app, make_app, client, method, path, kind):
    authorization = BAD_CREDENTIALS[kind](app, make_app, client)
    response = send(client, method, path, {"Authorization": authorization})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["detail"] in {"Could not validate credentials", "Not authenticated"}


@pytest.mark.parametrize("method, path", ADMIN_ROUTES)
def test_admin_route_with_user_token_is_403(client, user_headers, method, path):
    response = send(client, method, path, user_headers)
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Admin privileges required"


@pytest.mark.parametrize("method, path", [(m, p) for m, p in PROTECTED_ROUTES if m in {"POST", "PUT", "PATCH"}])
def test_authentication_comes_before_body_validation(client, method, path):
    response = client.open(path, method=method, data="{not json", content_type="application/json")
    assert response.status_code == 401
