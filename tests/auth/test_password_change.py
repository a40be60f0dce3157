"""POST /auth/password: old tokens die on every device; the caller gets a fresh pair."""

import pytest

from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def pair(auth):
    auth.register("ada")
    return auth.login("ada").get_json()


def test_password_change_refuses_every_earlier_token(client, auth, pair):
    other_device = auth.login("ada").get_json()
    response = client.post("/auth/password", headers=bearer(pair["access_token"]),
                           json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 200
    fresh = response.get_json()
    for old in (pair, other_device):
        assert client.get("/auth/me", headers=bearer(old["access_token"])).status_code == 401
        assert client.post("/auth/refresh", headers=bearer(old["refresh_token"])).status_code == 401
    assert client.get("/auth/me", headers=bearer(fresh["access_token"])).status_code == 200
    assert client.post("/auth/refresh", headers=bearer(fresh["refresh_token"])).status_code == 200
    assert auth.login("ada", PASSWORD).status_code == 401
    assert auth.login("ada", NEW_PASSWORD).status_code == 200


def test_wrong_current_password_is_400_and_changes_nothing(client, auth, pair):
    response = client.post("/auth/password", headers=bearer(pair["access_token"]),
                           json={"current_password": "not my password", "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert response.get_json()["detail"] == "Current password is incorrect"
    assert client.get("/auth/me", headers=bearer(pair["access_token"])).status_code == 200
    assert auth.login("ada", PASSWORD).status_code == 200


def test_weak_new_password_is_422(client, pair):
    response = client.post("/auth/password", headers=bearer(pair["access_token"]),
                           json={"current_password": PASSWORD, "new_password": "short"})
    assert response.status_code == 422
    assert "new_password" in response.get_json()["errors"]


def test_disabling_a_user_refuses_their_tokens(app, client, pair):
    from taskapi.extensions import db
    from taskapi.models import User

    with app.app_context():
        db.session.query(User).update({"is_active": False})
        db.session.commit()
    assert client.get("/auth/me", headers=bearer(pair["access_token"])).status_code == 401
    assert client.post("/auth/refresh", headers=bearer(pair["refresh_token"])).status_code == 401
