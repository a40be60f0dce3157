"""POST /auth/refresh and grant_type=refresh_token: rotation, reuse detection, races, session limit."""

import threading
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def pair(auth):
    auth.register("ada")
    response = auth.login("ada")
    assert response.status_code == 200
    return response.get_json()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def refresh(client, token, style="bearer"):
    if style == "json":
        return client.post("/auth/refresh", json={"refresh_token": token})
    if style == "form":
        return client.post("/auth/token", data={"grant_type": "refresh_token", "refresh_token": token})
    return client.post("/auth/refresh", headers=bearer(token))


def test_login_returns_a_token_pair(pair):
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}


@pytest.mark.parametrize("style", ["bearer", "json", "form"])
def test_refresh_returns_a_new_working_pair(client, pair, style):
    response = refresh(client, pair["refresh_token"], style)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    new = response.get_json()
    assert new["refresh_token"] != pair["refresh_token"] and new["access_token"] != pair["access_token"]
    assert client.get("/auth/me", headers=bearer(new["access_token"])).status_code == 200
    assert refresh(client, new["refresh_token"], style).status_code == 200


def test_spent_refresh_token_is_refused_and_revokes_the_family(client, pair):
    second = refresh(client, pair["refresh_token"]).get_json()
    third = refresh(client, second["refresh_token"]).get_json()
    replay = refresh(client, pair["refresh_token"])
    assert replay.status_code == 401
    assert replay.mimetype == "application/problem+json"
    # Every token of the family is dead: the live refresh token and the access tokens it issued.
    assert refresh(client, third["refresh_token"]).status_code == 401
    for access in (pair["access_token"], second["access_token"], third["access_token"]):
        assert client.get("/auth/me", headers=bearer(access)).status_code == 401


def test_reuse_in_one_session_leaves_other_sessions_alive(client, auth, pair):
    other = auth.login("ada").get_json()
    refresh(client, pair["refresh_token"])
    assert refresh(client, pair["refresh_token"]).status_code == 401
    assert client.get("/auth/me", headers=bearer(other["access_token"])).status_code == 200
    assert refresh(client, other["refresh_token"]).status_code == 200


def test_racing_refreshes_give_at_most_one_pair(app, pair):
    barrier = threading.Barrier(6)
    statuses = []

    def attempt():
        client = app.test_client()
        barrier.wait()
        statuses.append(refresh(client, pair["refresh_token"]).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(200) <= 1
    assert all(status in (200, 401) for status in statuses)
    assert statuses.count(200) == 1


def test_refresh_without_any_token_is_401(client):
    response = client.post("/auth/refresh")
    assert response.status_code == 401
    assert response.get_json()["detail"] == "Not authenticated"


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"),
    ('{"refresh_token": 5}', "application/json"),
    ('{"refresh_token": ""}', "application/json"),
    ("refresh_token=abc", "application/x-www-form-urlencoded"),
], ids=["malformed JSON", "token not a string", "empty token", "form body"])
def test_refresh_with_no_usable_token_is_401_before_the_body_is_validated(client, data, content_type):
    response = client.post("/auth/refresh", data=data, content_type=content_type)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.get_json()["detail"] == "Not authenticated"


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"),
    ('{"refresh_token": 5}', "application/json"),
    ('{"unknown": 1}', "application/json"),
], ids=["malformed JSON", "token not a string", "unknown field"])
def test_a_body_refused_after_a_good_bearer_token_leaves_the_token_unspent(client, pair, data, content_type):
    response = client.post("/auth/refresh", data=data, content_type=content_type,
                           headers=bearer(pair["refresh_token"]))
    assert response.status_code in (400, 422), response.get_json()
    assert refresh(client, pair["refresh_token"]).status_code == 200


def test_a_good_body_token_with_an_unknown_field_is_422_and_stays_unspent(client, pair):
    response = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"], "unknown": 1})
    assert response.status_code == 422
    assert "unknown" in response.get_json()["errors"]
    assert refresh(client, pair["refresh_token"], "json").status_code == 200


def test_the_body_token_wins_over_the_bearer_token(client, pair):
    response = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]},
                           headers=bearer("not.a.jwt"))
    assert response.status_code == 200


def test_refresh_grant_without_token_is_422(client):
    response = client.post("/auth/token", data={"grant_type": "refresh_token"})
    assert response.status_code == 422
    assert "refresh_token" in response.get_json()["errors"]


def test_garbage_refresh_token_is_401(client):
    assert refresh(client, "not-a-token", "json").status_code == 401


def test_rotation_never_extends_past_the_session_limit(make_app):
    app = make_app(SESSION_MAX_AGE=timedelta(seconds=2))
    client = app.test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD})
    token = client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).get_json()
    import jwt as pyjwt
    first_exp = pyjwt.decode(token["refresh_token"], options={"verify_signature": False})["exp"]
    rotated = refresh(client, token["refresh_token"]).get_json()
    assert pyjwt.decode(rotated["refresh_token"], options={"verify_signature": False})["exp"] <= first_exp + 1


def test_session_past_its_absolute_limit_is_refused(make_app):
    app = make_app(SESSION_MAX_AGE=timedelta(seconds=-1))
    client = app.test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD})
    response = client.post("/auth/login", json={"username": "ada", "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/auth/me", headers=bearer(response.get_json()["access_token"])).status_code == 401


def test_refresh_token_whose_sub_is_not_its_sessions_owner_is_refused(app, client, auth, pair):
    from tests.auth.forge import forge

    auth.register("grace")
    grace = client.get("/auth/me", headers=bearer(auth.token("grace"))).get_json()
    forged = forge(app, pair["refresh_token"], sub=str(grace["id"]))  # ada's session and jti, grace's id
    response = refresh(client, forged, "json")
    assert response.status_code == 401, response.get_json()
    assert response.mimetype == "application/problem+json"
    # and ada's own token was not spent by the attempt
    assert refresh(client, pair["refresh_token"], "json").status_code == 200
