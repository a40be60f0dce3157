"""POST /auth/logout and /auth/logout-all: tokens stop working on the very next request."""

import pytest


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def pair(auth):
    auth.register("ada")
    return auth.login("ada").get_json()


def test_logout_revokes_access_and_refresh_at_once(client, pair):
    assert client.post("/auth/logout", headers=bearer(pair["access_token"])).status_code == 204
    response = client.get("/auth/me", headers=bearer(pair["access_token"]))
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert client.post("/auth/refresh", headers=bearer(pair["refresh_token"])).status_code == 401


def test_logout_leaves_other_sessions_alone(client, auth, pair):
    other = auth.login("ada").get_json()
    client.post("/auth/logout", headers=bearer(pair["access_token"]))
    assert client.get("/auth/me", headers=bearer(other["access_token"])).status_code == 200


def test_logout_with_refresh_token_of_another_session_revokes_it_too(client, auth, pair):
    other = auth.login("ada").get_json()
    response = client.post("/auth/logout", headers=bearer(pair["access_token"]),
                           json={"refresh_token": other["refresh_token"]})
    assert response.status_code == 204
    assert client.post("/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 401
    assert client.get("/auth/me", headers=bearer(other["access_token"])).status_code == 401


def test_logout_ignores_someone_elses_refresh_token(client, auth, pair):
    auth.register("bob")
    bobs = auth.login("bob").get_json()
    client.post("/auth/logout", headers=bearer(pair["access_token"]), json={"refresh_token": bobs["refresh_token"]})
    assert client.get("/auth/me", headers=bearer(bobs["access_token"])).status_code == 200


def test_logout_without_token_is_401(client):
    assert client.post("/auth/logout").status_code == 401


def test_logout_all_revokes_every_session(client, auth, pair):
    other = auth.login("ada").get_json()
    assert client.post("/auth/logout-all", headers=bearer(pair["access_token"])).status_code == 204
    for tokens in (pair, other):
        assert client.get("/auth/me", headers=bearer(tokens["access_token"])).status_code == 401
        assert client.post("/auth/refresh", headers=bearer(tokens["refresh_token"])).status_code == 401
    assert auth.login("ada").status_code == 200


def test_purge_removes_revoked_and_expired_rows(app, client, runner, pair):
    from sqlalchemy import func, select

    from taskapi.extensions import db
    from taskapi.models import AuthSession

    client.post("/auth/logout", headers=bearer(pair["access_token"]))
    result = runner.invoke(args=["tokens", "purge"])
    assert result.exit_code == 0 and "Removed" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 0
    assert client.get("/auth/me", headers=bearer(pair["access_token"])).status_code == 401
