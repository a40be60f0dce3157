"""POST /auth/login (JSON) and POST /auth/token, /token (OAuth2 password form)."""

import jwt as pyjwt
import pytest

from tests.conftest import PASSWORD

LONG_PASSPHRASE = "x" * 100
MULTIBYTE_PASSPHRASE = "пароль-ключ-" * 8  # 96 characters, 180 UTF-8 bytes


def test_login_returns_bearer_token_not_cached(auth):
    auth.register("ada")
    response = auth.login("ada")
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 60
    assert response.headers["Cache-Control"] == "no-store"


def test_access_token_claims(app, auth):
    auth.register("ada")
    token = auth.login("ada").get_json()["access_token"]
    header = pyjwt.get_unverified_header(token)
    claims = pyjwt.decode(token, app.config["JWT_SECRET_KEY"], algorithms=["HS256"],
                          audience="taskapi", issuer="taskapi")
    assert header["alg"] == "HS256"
    assert claims["sub"] == "1" and claims["type"] == "access" and claims["role"] == "user"
    assert {"jti", "iat", "nbf", "exp", "iss", "aud"} <= set(claims)
    assert claims["exp"] - claims["iat"] == 30 * 60


@pytest.mark.parametrize("username", ["ada", "ADA", "aDa"])
def test_login_is_case_insensitive_on_username(auth, username):
    auth.register("ada")
    assert auth.login(username).status_code == 200


@pytest.mark.parametrize("path", ["/auth/token", "/token"])
def test_token_endpoint_takes_oauth2_form(client, auth, path):
    auth.register("ada")
    response = client.post(path, data={"username": "ada", "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["token_type"] == "bearer"
    assert response.headers["Cache-Control"] == "no-store"


def test_token_endpoint_accepts_explicit_password_grant(client, auth):
    auth.register("ada")
    response = client.post("/auth/token", data={"grant_type": "password", "username": "ada", "password": PASSWORD})
    assert response.status_code == 200


def test_token_endpoint_refuses_unknown_grant(client, auth):
    auth.register("ada")
    response = client.post("/auth/token", data={"grant_type": "client_credentials", "username": "ada",
                                                 "password": PASSWORD})
    assert response.status_code == 422
    assert "grant_type" in response.get_json()["errors"]


def test_unknown_user_and_wrong_password_look_the_same(client, auth):
    auth.register("ada")
    wrong = client.post("/auth/login", json={"username": "ada", "password": "wrong password!"})
    unknown = client.post("/auth/login", json={"username": "nobody", "password": "wrong password!"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["detail"] == "Incorrect username or password"


def test_missing_fields_are_422(client):
    response = client.post("/auth/login", json={"username": "ada"})
    assert response.status_code == 422
    assert "password" in response.get_json()["errors"]


@pytest.mark.parametrize("password", [LONG_PASSPHRASE, MULTIBYTE_PASSPHRASE])
def test_passphrase_longer_than_72_bytes_works(auth, password):
    assert auth.register("ada", password).status_code == 201
    assert auth.login("ada", password).status_code == 200


@pytest.mark.parametrize("password", [LONG_PASSPHRASE, MULTIBYTE_PASSPHRASE])
def test_password_sharing_first_72_bytes_does_not_log_in(auth, password):
    auth.register("ada", password)
    prefix = password.encode()[:72].decode("utf-8", errors="ignore")
    assert auth.login("ada", prefix + "different tail").status_code == 401
    assert auth.login("ada", prefix).status_code == 401


def test_nfkc_equivalent_password_logs_in(auth):
    composed = "caf\u00e9 au lait please"
    decomposed = "cafe\u0301 au lait please"
    auth.register("ada", composed)
    assert auth.login("ada", decomposed).status_code == 200


def test_disabled_account_is_403_only_after_correct_password(app, auth):
    from taskapi.extensions import db
    from taskapi.models import User

    auth.register("ada")
    with app.app_context():
        db.session.query(User).update({"is_active": False})
        db.session.commit()
    assert auth.login("ada", "wrong password!").status_code == 401
    response = auth.login("ada")
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Account is disabled"


def test_login_rehashes_when_cost_changes(make_app):
    from sqlalchemy import select

    from taskapi.auth.credentials.passwords import hash_cost
    from taskapi.extensions import db
    from taskapi.models import User

    cheap = make_app()
    cheap.test_client().post("/auth/register", json={"username": "ada", "password": PASSWORD})
    dearer = make_app(BCRYPT_LOG_ROUNDS=5)
    assert dearer.test_client().post("/auth/login", json={"username": "ada", "password": PASSWORD}).status_code == 200
    with dearer.app_context():
        assert hash_cost(db.session.scalar(select(User.password_hash))) == 5
    assert dearer.test_client().post("/auth/login", json={"username": "ada", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("username, password, status", [("ada", PASSWORD, 200), ("ada", "wrong password!", 401),
                                                        ("nobody", "wrong password!", 401)])
def test_login_holds_no_database_connection_while_hashing(monkeypatch, client, auth, username, password, status):
    # A burst of logins waits on the bcrypt pool; holding pooled connections meanwhile would starve reads.
    from taskapi.auth.signin import login as accounts
    from taskapi.extensions import db

    auth.register("ada")
    checked_out = []

    def measured(real):
        def call(*args):
            checked_out.append(db.engine.pool.checkedout())
            return real(*args)
        return call

    monkeypatch.setattr(accounts, "verify_password", measured(accounts.verify_password))
    monkeypatch.setattr(accounts, "burn_equal_time", measured(accounts.burn_equal_time))
    response = client.post("/auth/login", json={"username": username, "password": password})
    assert response.status_code == status
    assert checked_out == [0]
