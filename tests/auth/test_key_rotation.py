"""Signing-key rotation: sign with the newest key, verify with any listed, refuse retired and unknown."""

from tests.conftest import PASSWORD

OLD_KEY = "old-signing-key-that-is-long-enough-0123456789abcdef"
NEW_KEY = "new-signing-key-that-is-long-enough-0123456789abcdef"


def token_from(app):
    client = app.test_client()
    client.post("/auth/register", json={"username": "ada", "password": PASSWORD})
    return client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).get_json()["access_token"]


def me(app, token):
    return app.test_client().get("/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_token_of_an_older_listed_key_still_verifies(make_app):
    old_token = token_from(make_app(JWT_SECRET_KEYS=[OLD_KEY]))
    rotated = make_app(JWT_SECRET_KEYS=[NEW_KEY, OLD_KEY])
    assert me(rotated, old_token).status_code == 200


def test_new_tokens_are_signed_with_the_first_key(make_app):
    import jwt as pyjwt

    from taskapi.auth.sessions.keys import key_id

    rotated = make_app(JWT_SECRET_KEYS=[NEW_KEY, OLD_KEY])
    token = token_from(rotated)
    assert pyjwt.get_unverified_header(token)["kid"] == key_id(NEW_KEY)
    pyjwt.decode(token, NEW_KEY, algorithms=["HS256"], audience="taskapi")


def test_token_of_a_retired_key_is_refused(make_app):
    old_token = token_from(make_app(JWT_SECRET_KEYS=[OLD_KEY]))
    retired = make_app(JWT_SECRET_KEYS=[NEW_KEY])
    response = me(retired, old_token)
    assert response.status_code == 401
    assert response.get_json()["detail"] == "Could not validate credentials"
