"""Bad input always gets a documented 4xx problem document, never a 500, and stored data survives."""

import pytest

WRITE_ROUTES = [("POST", "/tasks"), ("PUT", "/tasks/{id}"), ("PATCH", "/tasks/{id}"),
                ("POST", "/auth/register"), ("POST", "/auth/login")]


@pytest.fixture
def stored_task(user_headers, create_task):
    return create_task(user_headers, "survivor", description="keep")


def assert_problem(response, *statuses):
    assert response.status_code in statuses, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == response.status_code and body["title"] and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("method, path", WRITE_ROUTES)
@pytest.mark.parametrize("payload, content_type", [
    ("{not json", "application/json"),
    ("title=x", "text/plain"),
    ("[1, 2]", "application/json"),
    ("42", "application/json"),
    ("null", "application/json"),
    ('"a string"', "application/json"),
    ("", "application/json"),
])
def test_malformed_bodies(client, user_headers, stored_task, method, path, payload, content_type):
    response = client.open(path.format(id=stored_task["id"]), method=method, data=payload,
                           content_type=content_type, headers=user_headers)
    if not (method == "PATCH" and payload in ("", "null")):
        assert_problem(response, 400, 422)
    after = client.get(f"/tasks/{stored_task['id']}", headers=user_headers).get_json()
    assert after["title"] == "survivor" and after["description"] == "keep"


@pytest.mark.parametrize("body, field", [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": None}, "title"),
    ({"title": 7}, "title"),
    ({"title": "ok", "description": "d" * 10_001}, "description"),
    ({"title": "ok", "completed": "yes"}, "completed"),
    ({"title": "ok", "completed": 1}, "completed"),
    ({"title": "ok", "priority": "urgent"}, "priority"),
    ({"title": "ok", "due_date": "tomorrow"}, "due_date"),
    ({"title": "ok", "due_date": "2026-02-30"}, "due_date"),
    ({"title": "ok", "owner_id": 2}, "owner_id"),
])
def test_invalid_task_fields_are_422(client, user_headers, body, field):
    response = client.post("/tasks", json=body, headers=user_headers)
    assert_problem(response, 422)
    assert field in response.get_json()["errors"]


def test_title_of_200_characters_is_accepted(client, user_headers):
    assert client.post("/tasks", json={"title": "x" * 200}, headers=user_headers).status_code == 201


def test_body_over_limit_is_413(client, user_headers):
    response = client.post("/tasks", data="x" * (2 * 1024 * 1024), content_type="application/json",
                           headers=user_headers)
    assert_problem(response, 413)


def test_unknown_route_is_404_problem(client):
    assert_problem(client.get("/no/such/route"), 404)


def test_wrong_method_is_405_with_allow(client):
    response = client.put("/tasks")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


@pytest.mark.parametrize("task_path", ["/tasks/-1", "/tasks/abc", "/tasks/99999999999999999999", "/tasks/0"])
def test_odd_task_ids_are_404(client, user_headers, task_path):
    assert_problem(client.get(task_path, headers=user_headers), 404)


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "per_page=101", "page=x", "all=maybe"])
def test_invalid_list_parameters_are_422(client, user_headers, query):
    assert_problem(client.get(f"/tasks?{query}", headers=user_headers), 422)


def test_sql_and_html_metacharacters_are_stored_verbatim(client, user_headers):
    title = "'; DROP TABLE tasks; -- <script>alert(1)</script>"
    created = client.post("/tasks", json={"title": title}, headers=user_headers)
    assert created.status_code == 201
    assert client.get(f"/tasks/{created.get_json()['id']}", headers=user_headers).get_json()["title"] == title


@pytest.mark.own_app("adds a route")
def test_unexpected_error_is_generic_500_problem(app, client, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert_problem(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert "secret internals" in caplog.text
