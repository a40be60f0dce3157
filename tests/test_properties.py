"""Property tests (hypothesis): round trips and "any JSON gives 2xx or a 4xx problem, never a 5xx"."""

import os
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tests.operations import SPEC, operations, params

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
# test_bad_input_table.py covers them (and every other operation with a JSON body).
SESSION_ENDING = {"POST /auth/logout", "DELETE /users/me"}
WRITE_ROUTES = [op for op in operations(body="json") if str(op) not in SESSION_ENDING]


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


@pytest.mark.parametrize("operation", params(WRITE_ROUTES))
@SETTINGS
@given(body=json_values)
def test_any_json_body_is_2xx_or_a_4xx_problem(client, user_headers, create_task, operation, body):
    create_task(user_headers)
    response = client.open(operation.url(1), method=operation.method, json=body, headers=user_headers)
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


# Issue 31, class 5: values that look like digits but are not ASCII, and datetimes at the edges.
# Decimal digits of every script (Nd), other numbers (No: superscripts, circled digits) and the
# full-width block, where "１２３４５６" lives.
FULL_WIDTH = st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)
digit_like = st.text(st.characters(categories=("Nd",)), min_size=6, max_size=6) | st.text(
    st.characters(categories=("Nd", "No")) | FULL_WIDTH | st.sampled_from("0123456789 -"), min_size=1, max_size=12)
offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(lambda minutes: timezone(
    timedelta(minutes=minutes)))
edge_datetimes = st.one_of(
    st.datetimes(max_value=datetime(1, 1, 2)), st.datetimes(min_value=datetime(9999, 12, 30)), st.datetimes(),
).flatmap(lambda moment: offsets.map(lambda offset: moment.replace(tzinfo=offset).isoformat()))
DATETIME_FILTERED = [op for op in operations(method="GET") if {"since", "until"} & set(op.query)]


def body_properties(operation):
    """The documented properties of an operation's JSON body, from /openapi.json."""
    schema = SPEC["paths"][operation.path][operation.method.lower()]["requestBody"]["content"]["application/json"]
    schema = schema["schema"]
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return sorted(schema.get("properties", {}))


@pytest.mark.parametrize("operation", params(WRITE_ROUTES))
@SETTINGS
@given(value=digit_like)
def test_digit_like_text_in_every_body_field_is_2xx_or_a_4xx_problem(client, user_headers, operation, value):
    body = {name: value for name in body_properties(operation)}
    response = client.open(operation.url(1), method=operation.method, json=body, headers=user_headers)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"


@SETTINGS
@given(otp=digit_like)
def test_digit_like_codes_at_sign_in_are_a_401_never_a_5xx(two_factor_client, otp):
    response = two_factor_client.post("/auth/login", json={"username": "tfa", "password": PASSWORD, "otp": otp})
    assert response.status_code in (401, 429), response.get_data(as_text=True)[:300]


@pytest.fixture
def two_factor_client(client, auth):
    """A client, and an account "tfa" with 2FA on and a budget too big to run out during the examples."""
    import pyotp

    headers = auth.headers("tfa")
    secret = client.post("/auth/2fa/setup", json={"current_password": PASSWORD}, headers=headers).get_json()["secret"]
    client.post("/auth/2fa/enable", json={"current_password": PASSWORD, "code": pyotp.TOTP(secret).now()},
                headers=headers)
    client.application.config["RATELIMIT_ACCOUNT_FAILURES"] = "100000/minute"
    return client


@pytest.mark.parametrize("operation", params(DATETIME_FILTERED))
@SETTINGS
@given(moment=edge_datetimes)
def test_datetime_filters_at_the_edges_are_200_or_422(client, admin_headers, operation, moment):
    for name in ("since", "until"):
        response = client.get(operation.url(1), query_string={name: moment}, headers=admin_headers)
        assert response.status_code in (200, 404, 422), response.get_data(as_text=True)[:300]
