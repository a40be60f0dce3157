"""GET /auth/me and its alias GET /users/me."""

import pytest


@pytest.mark.parametrize("path", ["/auth/me", "/users/me"])
def test_me_returns_the_token_owner(client, user_headers, path):
    response = client.get(path, headers=user_headers)
    assert response.status_code == 200
    assert response.get_json()["username"] == "ada"
    assert "password_hash" not in response.get_json()


def test_me_without_token_is_401_not_authenticated(client):
    response = client.get("/auth/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json()["detail"] == "Not authenticated"


def test_admin_role_is_read_from_the_database(client, admin_headers):
    assert client.get("/auth/me", headers=admin_headers).get_json()["role"] == "admin"
