"""One test per attack on access tokens: each is a 401 problem document, never a pass."""

import pytest

from tests.auth.forge import forge, now, sign, stripped, unsigned

OTHER_SECRET = "an-attackers-secret-of-plenty-of-length-0123456789"


@pytest.fixture
def login(client, auth):
    """Register ada and return (access, refresh) from a real login."""
    auth.register("ada")
    body = auth.login("ada").get_json()
    return body["access_token"], body["refresh_token"]


def assert_refused(client, token, path="/auth/me", raw_header=None):
    headers = {"Authorization": raw_header if raw_header is not None else f"Bearer {token}"}
    response = client.get(path, headers=headers)
    assert response.status_code == 401, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    return response


def test_real_token_is_accepted(client, login):
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {login[0]}"}).status_code == 200


def test_alg_none(app, client, login):
    assert_refused(client, unsigned(app, login[0]))


def test_signature_stripped(client, login):
    assert_refused(client, stripped(login[0]))


def test_signed_with_another_secret(app, client, login):
    assert_refused(client, forge(app, login[0], key=OTHER_SECRET))


def test_signed_with_another_secret_claiming_the_real_kid(app, client, login):
    from taskapi.auth.sessions.keys import key_id
    assert_refused(client, forge(app, login[0], key=OTHER_SECRET, kid=key_id(app.config["JWT_SECRET_KEY"])))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_hs512_when_hs256_is_pinned(app, client, login):
    assert_refused(client, forge(app, login[0], alg="HS512"))


def test_expired(app, client, login):
    assert_refused(client, forge(app, login[0], iat=now() - 7200, nbf=now() - 7200, exp=now() - 3600))


def test_not_before_in_the_future(app, client, login):
    assert_refused(client, forge(app, login[0], nbf=now() + 3600))


def test_wrong_issuer(app, client, login):
    assert_refused(client, forge(app, login[0], iss="someone-else"))


def test_wrong_audience(app, client, login):
    assert_refused(client, forge(app, login[0], aud="another-api"))


@pytest.mark.parametrize("claim", ["jti", "exp", "type", "iss", "aud", "sub", "fam", "ver"])
def test_missing_claim(app, client, login, claim):
    assert_refused(client, forge(app, login[0], drop=[claim]))


def test_sub_of_unknown_user(app, client, login):
    assert_refused(client, forge(app, login[0], sub="999999"))


def test_sub_not_a_number(app, client, login):
    assert_refused(client, forge(app, login[0], sub="admin"))


def test_role_claim_cannot_grant_admin(app, client, login, create_task):
    headers = {"Authorization": f"Bearer {forge(app, login[0], role='admin')}"}
    task = create_task(headers)
    assert client.delete(f"/tasks/{task['id']}", headers=headers).status_code == 403


def test_refresh_token_used_as_access_token(client, login):
    assert_refused(client, login[1])
    assert_refused(client, login[1], path="/tasks")


def test_access_token_used_at_refresh(client, login):
    response = client.post("/auth/refresh", headers={"Authorization": f"Bearer {login[0]}"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_unknown_kid(app, client, login):
    assert_refused(client, forge(app, login[0], kid="0000000000000000"))


def test_forged_with_attackers_key_and_kid(app, client, login):
    claims = {"sub": "1", "type": "access", "jti": "x" * 43, "iat": now(), "nbf": now(), "exp": now() + 600,
              "iss": "taskapi", "aud": "taskapi", "fam": "x", "ver": 0, "role": "admin"}
    assert_refused(client, sign(claims, OTHER_SECRET))


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Basic YWRhOnB3", "Bearer a b", "Token abc",
                                    "Bearer " + "A" * 20_000, "Bearer \u00e9t\u00e9", "bearer"])
def test_garbage_authorization_headers(client, header):
    response = assert_refused(client, None, raw_header=header)
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("template", ["bearer {}", "BEARER {}", "Bearer   {}", "  Bearer {}  "])
def test_bearer_scheme_is_case_insensitive_per_rfc_6750(client, login, template):
    response = client.get("/auth/me", headers={"Authorization": template.format(login[0])})
    assert response.status_code == 200


@pytest.mark.parametrize("token_type", ["", "Access", "access ", "id", "mfa", "verify_email", "password_reset"])
def test_only_type_access_passes_where_an_access_token_is_expected(app, client, login, token_type):
    token = forge(app, login[0], type=token_type)
    assert_refused(client, token)
    assert_refused(client, token, path="/tasks")


def test_a_refresh_token_relabelled_access_is_refused_at_refresh(app, client, login):
    response = client.post("/auth/refresh", json={"refresh_token": forge(app, login[1], type="access")})
    assert response.status_code == 401


def test_access_token_whose_sub_is_not_its_sessions_owner(app, client, auth, login):
    auth.register("grace")
    grace_id = str(client.get("/auth/me", headers={"Authorization": f"Bearer {auth.token('grace')}"}
                              ).get_json()["id"])
    assert_refused(client, forge(app, login[0], sub=grace_id))  # ada's session, grace's id
