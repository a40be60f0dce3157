"""Property tests (hypothesis): round trips and "any JSON gives 2xx or a 4xx problem, never a 5xx"."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
usernames = st.from_regex(r"[A-Za-z0-9_.-]{3,50}", fullmatch=True)
# Any Unicode text except surrogates (not encodable) and NUL; long enough for the policy's minimum.
passwords = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=8, max_size=80)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
# Logout and account deletion would end the session the later examples use: the table in
# test_bad_input_table.py covers them (and checks that it lists every JSON write route).
WRITE_ROUTES = [("POST", "/auth/register"), ("POST", "/register"), ("POST", "/auth/login"), ("POST", "/auth/refresh"),
                ("POST", "/tasks"), ("PUT", "/tasks/1"), ("PATCH", "/tasks/1"), ("PATCH", "/users/me"),
                ("POST", "/auth/password"), ("POST", "/auth/verify-email"), ("POST", "/auth/password-reset/request"),
                ("POST", "/auth/password-reset"), ("POST", "/auth/2fa/setup"), ("POST", "/auth/2fa/enable"),
                ("POST", "/auth/2fa/disable")]


@SETTINGS
@given(username=usernames, password=passwords)
def test_register_then_login_round_trip(make_app, username, password):
    client = make_app().test_client()
    response = client.post("/auth/register", json={"username": username, "password": password})
    if response.status_code == 422:  # the password policy may refuse it, and then says why
        assert "password" in response.get_json()["errors"]
        return
    assert response.status_code in (201, 400), response.get_json()
    if response.status_code == 201:
        assert response.get_json()["username"] == username
        login = client.post("/auth/login", json={"username": username.upper(), "password": password})
        assert login.status_code == 200


@pytest.mark.parametrize("method, path", WRITE_ROUTES)
@SETTINGS
@given(body=json_values)
def test_any_json_body_is_2xx_or_a_4xx_problem(client, user_headers, create_task, method, path, body):
    create_task(user_headers)
    response = client.open(path, method=method, json=body, headers=user_headers)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"


task_bodies = st.fixed_dictionaries(
    {"title": st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=200)
     .filter(lambda title: title.strip())},
    optional={"description": st.none() | st.text(st.characters(exclude_categories=("Cs",),
                                                                exclude_characters="\x00"), max_size=300),
              "completed": st.booleans(), "priority": st.sampled_from(["low", "normal", "high"]),
              "due_date": st.none() | st.dates().map(lambda day: day.isoformat())},
)


@SETTINGS
@given(body=task_bodies)
def test_task_create_then_get_returns_what_was_sent(client, user_headers, body):
    created = client.post("/tasks", json=body, headers=user_headers)
    assert created.status_code == 201, created.get_json()
    fetched = client.get(created.headers["Location"], headers=user_headers).get_json()
    assert fetched["title"] == body["title"].strip()
    for field in ("description", "completed", "priority", "due_date"):
        if field in body:
            assert fetched[field] == body[field]


def test_password_constant_is_policy_compliant(client):
    assert client.post("/auth/register", json={"username": "zed", "password": PASSWORD}).status_code == 201
