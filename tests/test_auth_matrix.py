"""The route matrix, built from /openapi.json: 401, then 403, then 404, then validation, on every operation.

Every secured operation refuses a missing token and every kind of bad token with 401; every
admin-only one refuses a user with 403 whatever the body; 404 comes before body validation.
"""

import re
from datetime import timedelta

import pytest

from taskapi.extensions import db
from taskapi.http.api import ADMIN_REQUIRED, protection_of
from taskapi.models import User
from tests.auth.passkey_helpers import add_passkey
from tests.conftest import PASSWORD
from tests.operations import OPERATIONS, operations, operations_of, params
from tests.project_world import project_world

SECURED = operations(secured=True)
# Secured by a refresh token (as the Bearer token or in the JSON body), not an access token.
TAKES_REFRESH_TOKEN = {("POST", "/auth/refresh")}
MISSING = 999_999
INVALID_BODIES = {
    "malformed JSON": ("{not json", "application/json"),
    "invalid fields": ('{"role": "emperor", "is_active": "maybe", "title": "", "email": 5, "no_such_field": 1}',
                       "application/json"),
    "wrong media type": ("role=emperor", "text/plain"),
}
UNDOCUMENTED_ENDPOINTS = re.compile(r"^(static|api-docs\.|docs_assets\.|pages\.)")


def key(operation):
    return operation.method, operation.path


def expired_token(app_with, client):
    client.post("/auth/register", json={"username": "late", "password": PASSWORD})
    expiring = app_with(JWT_ACCESS_TOKEN_EXPIRES=timedelta(seconds=-1)).test_client()
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


def other_secrets_token(app_with, client):
    other = app_with(SECRET_KEY="another-secret-of-sufficient-length-0123456789",
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
    "garbage": lambda app, app_with, client: "Bearer not.a.jwt",
    "empty bearer": lambda app, app_with, client: "Bearer ",
    "expired": lambda app, app_with, client: "Bearer " + expired_token(app_with, client),
    "deleted user": lambda app, app_with, client: "Bearer " + deleted_users_token(app, client),
    "disabled user": lambda app, app_with, client: "Bearer " + disabled_users_token(app, client),
    "other secret": lambda app, app_with, client: "Bearer " + other_secrets_token(app_with, client),
    "refresh-type token": lambda app, app_with, client: "Bearer " + refresh_token(client),
    "logged out": lambda app, app_with, client: "Bearer " + logged_out_token(client),
}


@pytest.fixture
def world(request, client, remember):
    """ada (a user, admin of a project) with one task, bea (a user in no project), an admin; the ids paths need.

    Built once per worker (``remember``): its rows are put back for each later test.
    """
    def auth_matrix_world():
        auth, create_task = request.getfixturevalue("auth"), request.getfixturevalue("create_task")
        admin_headers = request.getfixturevalue("admin_headers")
        ada = auth.headers("ada")
        task = create_task(ada)
        ada_id = client.get("/auth/me", headers=ada).get_json()["id"]
        _, passkey = add_passkey(client, ada)
        token = client.post("/auth/tokens", json={"name": "matrix", "scopes": ["tasks:read"], "expires_in_days": 1,
                                                  "current_password": PASSWORD}, headers=ada).get_json()
        return {"user": ada, "admin": admin_headers, "plain": auth.headers("bea"),
                "ids": {"task_id": task["id"], "user_id": ada_id, "passkey_id": passkey["id"], "token_id": token["id"],
                        **project_world(client, ada)}}

    return remember(auth_matrix_world)


def body_params(selected, without_body=False):
    """(operation, body kind) pairs: each operation with a body × every invalid body (and no body if asked)."""
    return [pytest.param(op, kind, id=f"{op} {kind or 'no body'}") for op in selected
            for kind in ([None] if without_body else []) + (list(INVALID_BODIES) if op.body else [])]


def open_with(client, operation, url, headers, kind=None):
    data, content_type = INVALID_BODIES[kind] if kind else (None, None)
    return client.open(url, method=operation.method, data=data, content_type=content_type, headers=headers)


def assert_401(response, rejected):
    assert response.status_code == 401, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    if rejected:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["detail"] in {"Could not validate credentials", "Not authenticated"}
    else:
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.get_json()["detail"] == "Not authenticated"


@pytest.mark.parametrize("operation", params(SECURED))
def test_no_token_is_401_not_authenticated(client, operation):
    # No body either: had validation run first, a route with required fields would answer 422.
    assert_401(client.open(operation.url(1), method=operation.method), rejected=False)


@pytest.mark.parametrize("operation, kind", [
    pytest.param(op, kind, id=f"{op} {kind}") for op in SECURED for kind in BAD_CREDENTIALS
    if not (kind == "refresh-type token" and key(op) in TAKES_REFRESH_TOKEN)])
def test_rejected_token_is_401(app, reused_app, client, operation, kind):
    authorization = BAD_CREDENTIALS[kind](app, reused_app, client)
    response = client.open(operation.url(1), method=operation.method, headers={"Authorization": authorization})
    assert_401(response, rejected=True)


@pytest.mark.parametrize("operation, kind", body_params(SECURED))
@pytest.mark.parametrize("authorization", [None, "Bearer not.a.jwt"])
def test_authentication_comes_before_body_validation(client, operation, kind, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    assert_401(open_with(client, operation, operation.url(1), headers, kind), rejected=authorization is not None)


@pytest.mark.parametrize("operation, body", body_params(operations(admin_only=True), without_body=True))
@pytest.mark.parametrize("target", ["existing", "missing"])
def test_admin_operation_with_user_token_is_403_before_404_and_validation(client, world, operation, body, target):
    # bea administers no project: DELETE /tasks/{task_id} lets project admins past this check
    url = operation.url(world["ids"] if target == "existing" else MISSING)
    response = open_with(client, operation, url, world["plain"], body)
    assert response.status_code == 403, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == ADMIN_REQUIRED


def test_a_user_cannot_promote_anyone_even_with_an_invalid_role(client, world):
    # The issue's example: validation ("Must be one of: user, admin") ran before the admin check.
    response = client.patch("/users/1", json={"role": "emperor"}, headers=world["user"])
    assert response.status_code == 403


@pytest.mark.parametrize("operation, body", body_params([op for op in SECURED if op.path_parameters],
                                                        without_body=True))
def test_missing_object_is_404_before_validation(client, world, operation, body):
    caller = world["admin"] if operation.admin_only else world["user"]
    response = open_with(client, operation, operation.url(MISSING), caller, body)
    assert response.status_code == 404, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"


def test_matrix_is_the_spec_of_the_app_under_test(client):
    """The lists above come from the same /openapi.json that the app under test serves."""
    assert operations_of(client.get("/openapi.json").get_json()) == OPERATIONS
    assert {"POST /auth/2fa/enable", "POST /auth/verify-email/request", "PATCH /users/{user_id}"} \
        <= {str(op) for op in SECURED}


def spec_path(rule):
    """``/tasks/<int(max=9):task_id>`` as OpenAPI writes it: ``/tasks/{task_id}``."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def test_every_route_is_documented_and_protected_as_documented(app):
    """No route escapes the matrix: each one served is in /openapi.json, secured there iff protected in code."""
    by_key = {key(op): op for op in OPERATIONS}
    served, protected, admin = set(), set(), set()
    for rule in app.url_map.iter_rules():
        if UNDOCUMENTED_ENDPOINTS.match(rule.endpoint):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            route = (method, spec_path(rule.rule))
            served.add(route)
            mark = protection_of(app.view_functions[rule.endpoint], method)
            if mark is not None:
                protected.add(route)
                if mark["admin"]:
                    admin.add(route)
    assert served == set(by_key)
    assert protected == {key(op) for op in SECURED} - TAKES_REFRESH_TOKEN
    assert admin == {key(op) for op in operations(admin_only=True)}
