"""Every JSON write route × hostile bodies: a documented 4xx problem document, and stored data unchanged."""

import json

import pytest

from taskapi.http.shallow_json import MAX_DEPTH
from tests.auth.passkey_helpers import add_passkey
from tests.conftest import PASSWORD
from tests.operations import operations, params
from tests.project_world import project_world

# Every operation with a JSON body, from /openapi.json (the form-encoded /token routes have their own tests).
ROUTES = operations(body="json")
# Where every field is optional, no body at all is a valid request (PATCH a task or, as admin, a user; log out;
# passkey sign-in options, discoverable; refresh with the refresh token as the Bearer token; PATCH a webhook).
OPTIONAL_BODY = {"PATCH /tasks/{task_id}", "PATCH /users/{user_id}", "POST /auth/logout",
                 "POST /auth/passkeys/login/options", "POST /auth/refresh", "PATCH /projects/{project_id}",
                 "PATCH /projects/{project_id}/webhooks/{webhook_id}"}
# Authenticated by a refresh token, so the body is parsed only after one is verified (401 first).
REFRESH_TOKEN_ROUTES = {"POST /auth/refresh"}
HOSTILE = {
    "nul byte": '{"title": "a\\u0000b", "username": "a\\u0000b", "password": "p\\u0000w", "email": "x\\u0000@y.z"}',
    "lone surrogate": '{"title": "\\ud800", "username": "\\udfff", "password": "\\ud800\\ud800", "email": "\\ud800"}',
    "surrogate key": '{"\\ud800": 1}',
    "duplicate keys": '{"title": "a", "title": "b", "username": "a", "username": "b"}',
    "10k fields": json.dumps({k: "x" * 10_000 for k in (
        "title", "description", "username", "password", "email", "current_password", "new_password", "refresh_token",
        "token", "code")}),
    "huge number": '{"title": 1e400, "completed": 99999999999999999999999999, "priority": -1e308}',
    "deep nesting": "[" * 5000 + "]" * 5000,
    "sql and html": json.dumps({"title": "'; DROP TABLE tasks; --", "username": "<script>alert(1)</script>",
                                "password": "' OR '1'='1", "email": "a@b.c'; --"}),
    "wrong types": '{"title": ["a"], "username": {"a": 1}, "password": 12345678, "email": true, "role": 1}',
    "null": "null",
    "array": "[]",
    "truncated": '{"title": "unterminated',
    "bad utf-8": b'{"title": "\xff\xfe"}',
}


@pytest.fixture
def world(request, client, remember):
    """ada with a task, a passkey and a project bob is in, an admin; built once per worker (``remember``)."""
    def bad_input_world():
        auth, create_task = request.getfixturevalue("auth"), request.getfixturevalue("create_task")
        admin_headers = request.getfixturevalue("admin_headers")
        headers = auth.headers("ada")
        task = create_task(headers, "survivor", description="keep me")
        bob_id = client.get("/auth/me", headers=auth.headers("bob")).get_json()["id"]
        _, passkey = add_passkey(client, headers)
        refresh = client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).get_json()["refresh_token"]
        return {"headers": headers, "admin": admin_headers, "task": task, "user": bob_id, "passkey": passkey["id"],
                "projects": project_world(client, headers, members=[bob_id]),  # bob in it: member routes reach bodies
                "refresh": {"Authorization": f"Bearer {refresh}"}}

    return remember(bad_input_world)


def path_ids(world):
    """The ids the paths need: ada's task, passkey and project (bob a member of it), its webhook and invitation."""
    return {"task_id": world["task"]["id"], "user_id": world["user"], "passkey_id": world["passkey"],
            **world["projects"]}


def send(client, world, operation, body, content_type):
    """``body`` to an operation: as ada, who owns the task, or as the admin where only an admin may (on bob).

    The refresh route gets ada's refresh token, so its body reaches the parser.
    """
    if str(operation) in REFRESH_TOKEN_ROUTES:
        headers = world["refresh"]
    else:
        headers = world["admin"] if operation.admin_only else world["headers"]
    url = operation.url(path_ids(world))
    return client.open(url, method=operation.method, data=body, content_type=content_type, headers=headers)


def assert_task_unchanged(client, world, reader):
    """The task stored before the bad request is still there as it was, read as ``reader``."""
    task = client.get(f"/tasks/{world['task']['id']}", headers=world[reader]).get_json()
    assert task["title"] == "survivor" and task["description"] == "keep me"


def test_table_covers_every_json_write_route(client):
    """ROUTES is every operation with a JSON body in the /openapi.json of the app under test."""
    spec = client.get("/openapi.json").get_json()
    documented = {f"{method.upper()} {path}"
                  for path, item in spec["paths"].items() for method, operation in item.items()
                  if method != "parameters"
                  and "application/json" in operation.get("requestBody", {}).get("content", {})}
    assert documented == {str(op) for op in ROUTES}
    assert OPTIONAL_BODY <= documented


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("operation", params(ROUTES))
def test_hostile_body(client, world, operation, kind, decoded_depths):
    response = send(client, world, operation, HOSTILE[kind], "application/json")
    text = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, f"{operation} {kind}: {response.status_code} {text[:200]}"
    assert response.mimetype == "application/problem+json"
    assert "Traceback" not in text
    assert max(decoded_depths, default=0) <= MAX_DEPTH  # refused before any decoder recursed into it
    if kind == "deep nesting":
        assert response.status_code == 400 and f"more than {MAX_DEPTH} levels deep" in response.get_json()["detail"]
    assert_task_unchanged(client, world, "headers")  # ada's session survived the refused request too
    assert client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("query", ["per_page=99999999999999999999", "page=99999999999999999999",
                                   "due_before=0000-00-00", "q=%00", "sort=%ff", "cursor=" + "A" * 600])
@pytest.mark.parametrize("operation", params(op for op in operations(method="GET") if op.query))
def test_hostile_query_strings(client, world, operation, query):
    headers = world["admin"] if operation.admin_only else world["headers"]
    response = client.get(f"{operation.url(path_ids(world))}?{query}", headers=headers)
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:200]
    if response.status_code == 422:
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("odd_id", ["-1", "abc", "99999999999999999999", "0"])
@pytest.mark.parametrize("operation", params(op for op in operations(method="GET") if op.path_parameters))
def test_odd_ids_are_404(client, world, operation, odd_id):
    assert client.get(operation.url(odd_id), headers=world["admin"]).status_code == 404


@pytest.mark.parametrize("kind, body, content_type", [
    ("wrong content type", '{"title": "x", "username": "x"}', "text/plain"),
    ("form instead of JSON", "title=x&username=x", "application/x-www-form-urlencoded"),
    ("2 MiB body", '{"title": "' + "x" * (2 * 1024 * 1024) + '"}', "application/json"),
    ("missing body", "", "application/json"),
])
@pytest.mark.parametrize("operation", params(ROUTES))
def test_unusable_body(client, world, operation, kind, body, content_type):
    response = send(client, world, operation, body, content_type)
    if kind == "missing body" and str(operation) in OPTIONAL_BODY:
        assert response.status_code in (200, 204)
    else:
        assert 400 <= response.status_code < 500, f"{operation} {kind}: {response.status_code}"
        assert response.mimetype == "application/problem+json"
    if kind == "2 MiB body":
        assert response.status_code == 413
    assert_task_unchanged(client, world, "admin")  # a body-less logout rightly ended ada's session
