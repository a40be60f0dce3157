"""Every JSON write route × hostile bodies: a documented 4xx problem document, and stored data unchanged."""

import json

import pytest

from tests.conftest import PASSWORD

ROUTES = [
    ("POST", "/auth/register"), ("POST", "/register"), ("POST", "/auth/login"), ("POST", "/auth/refresh"),
    ("POST", "/auth/logout"), ("POST", "/auth/password"), ("POST", "/tasks"), ("PUT", "/tasks/{task}"),
    ("PATCH", "/tasks/{task}"), ("PATCH", "/users/me"), ("DELETE", "/users/me"), ("PATCH", "/users/{user}"),
    ("POST", "/auth/verify-email"), ("POST", "/auth/password-reset/request"), ("POST", "/auth/password-reset"),
    ("POST", "/auth/2fa/setup"), ("POST", "/auth/2fa/enable"), ("POST", "/auth/2fa/disable"),
]
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
def world(client, auth, admin_headers, create_task):
    headers = auth.headers("ada")
    task = create_task(headers, "survivor", description="keep me")
    bob_id = client.get("/auth/me", headers=auth.headers("bob")).get_json()["id"]
    return {"headers": headers, "admin": admin_headers, "task": task, "user": bob_id}


def send(client, world, method, path, body, content_type):
    """``body`` to a ROUTES entry, as its owner (ada) or, for /users/{user}, as the admin."""
    headers = world["admin"] if "{user}" in path else world["headers"]
    url = path.format(task=world["task"]["id"], user=world["user"])
    return client.open(url, method=method, data=body, content_type=content_type, headers=headers)


def assert_task_unchanged(client, world, reader):
    """The task stored before the bad request is still there as it was, read as ``reader``."""
    task = client.get(f"/tasks/{world['task']['id']}", headers=world[reader]).get_json()
    assert task["title"] == "survivor" and task["description"] == "keep me"


def test_table_covers_every_json_write_route(client):
    """A route added later with a JSON body must join ROUTES (form-encoded /token routes have their own tests)."""
    spec = client.get("/openapi.json").get_json()
    documented = {(method.upper(), path.replace("{task_id}", "{task}").replace("{user_id}", "{user}"))
                  for path, operations in spec["paths"].items() for method, operation in operations.items()
                  if method != "parameters"
                  and "application/json" in operation.get("requestBody", {}).get("content", {})}
    assert documented == set(ROUTES)


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("method, path", ROUTES)
def test_hostile_body(client, world, method, path, kind):
    response = send(client, world, method, path, HOSTILE[kind], "application/json")
    text = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, f"{method} {path} {kind}: {response.status_code} {text[:200]}"
    assert response.mimetype == "application/problem+json"
    assert "Traceback" not in text
    assert_task_unchanged(client, world, "headers")  # ada's session survived the refused request too
    assert client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("query", ["per_page=99999999999999999999", "page=99999999999999999999",
                                   "due_before=0000-00-00", "q=%00", "sort=%ff", "cursor=" + "A" * 600])
def test_hostile_query_strings(client, world, query):
    response = client.get(f"/tasks?{query}", headers=world["headers"])
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:200]
    if response.status_code == 422:
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("user_path", ["/users/-1", "/users/abc", "/users/99999999999999999999", "/users/0"])
def test_odd_user_ids_are_404(client, world, user_path):
    assert client.get(user_path, headers=world["admin"]).status_code == 404


@pytest.mark.parametrize("kind, body, content_type", [
    ("wrong content type", '{"title": "x", "username": "x"}', "text/plain"),
    ("form instead of JSON", "title=x&username=x", "application/x-www-form-urlencoded"),
    ("2 MiB body", '{"title": "' + "x" * (2 * 1024 * 1024) + '"}', "application/json"),
    ("missing body", "", "application/json"),
])
@pytest.mark.parametrize("method, path", ROUTES)
def test_unusable_body(client, world, method, path, kind, body, content_type):
    response = send(client, world, method, path, body, content_type)
    # No body is a valid request where every field is optional (PATCH a task or, as admin, a user; log out).
    optional_body = kind == "missing body" and (method, path) in {
        ("PATCH", "/tasks/{task}"), ("PATCH", "/users/{user}"), ("POST", "/auth/logout")}
    if optional_body:
        assert response.status_code in (200, 204)
    else:
        assert 400 <= response.status_code < 500, f"{method} {path} {kind}: {response.status_code}"
        assert response.mimetype == "application/problem+json"
    if kind == "2 MiB body":
        assert response.status_code == 413
    assert_task_unchanged(client, world, "admin")  # a body-less logout rightly ended ada's session
