"""Client JSON nested deeper than MAX_DEPTH is refused before any decoder recurses into it, wherever it comes in.

The standard decoder recurses to the interpreter's limit, and at that limit other code fails too:
a garbage-collection finalizer inside pytest's own hook, and py_webauthn, which answered 500. The
``decoded_depths`` fixture watches the standard decoder itself, so a new place that decodes client
JSON, taskapi's or a library's, fails these tests before it fails in production. JSON bodies of
every route are in test_bad_input_table.py; these are the other ways JSON comes in.
"""

import base64
import json

import pytest
from flask import request
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import BadRequest

from taskapi.http.shallow_json import MAX_DEPTH, TooDeep, loads, nesting_depth
from tests.auth.passkey_helpers import add_passkey, login_options, register_options
from tests.auth.webauthn_authenticator import SoftAuthenticator
from tests.operations import OPERATIONS, params
from tests.project_world import project_world

TOO_DEEP = "[" * 5000 + "]" * 5000
PAGED = [op for op in OPERATIONS if "cursor" in op.query]


def b64(text):
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def nested(depth):
    """A document ``depth`` arrays deep."""
    return "[" * depth + "]" * depth


def depth_of(value):
    """How deeply ``value`` (decoded JSON) nests arrays and objects."""
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    return 0


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children), max_leaves=40)


@given(JSON_VALUES, st.sampled_from([None, 2]))
def test_nesting_depth_counts_what_the_decoder_would_open(value, indent):
    """Brackets inside strings (escaped quotes and backslashes included) do not count; the rest do, exactly."""
    assert nesting_depth(json.dumps(value, indent=indent)) == depth_of(value)
    assert nesting_depth(json.dumps(value, ensure_ascii=False)) == depth_of(value)


def test_max_depth_is_decoded_and_one_more_is_not():
    assert loads(nested(MAX_DEPTH)) == json.loads(nested(MAX_DEPTH))
    assert loads(nested(MAX_DEPTH).encode("utf-16")) == json.loads(nested(MAX_DEPTH))
    with pytest.raises(TooDeep):
        loads(nested(MAX_DEPTH + 1))
    with pytest.raises(TooDeep):
        loads(nested(MAX_DEPTH + 1).encode("utf-32"))
    assert loads('["' + "[" * 5000 + '"]') == ["[" * 5000]  # brackets in a string are text


def test_a_body_at_the_limit_reaches_the_schema(client, user_headers):
    at_limit = client.post("/tasks", headers=user_headers, data=f'{{"title": {nested(MAX_DEPTH - 1)}}}',
                           content_type="application/json")
    assert at_limit.status_code == 422 and "title" in at_limit.get_json()["errors"]
    over = client.post("/tasks", headers=user_headers, data=f'{{"title": {nested(MAX_DEPTH)}}}',
                       content_type="application/json")
    assert over.status_code == 400 and f"more than {MAX_DEPTH} levels deep" in over.get_json()["detail"]


def test_request_get_json_refuses_deep_json_silent_or_not(app, decoded_depths):
    """Flask's own body parsing, which views, limits and libraries call, goes through the same check."""
    with app.test_request_context("/", method="POST", data=TOO_DEEP, content_type="application/json"):
        assert request.get_json(silent=True) is None
    with app.test_request_context("/", method="POST", data=TOO_DEEP, content_type="application/json"):
        with pytest.raises(BadRequest):
            request.get_json()
    with app.test_request_context("/", method="POST", data=nested(MAX_DEPTH), content_type="application/json"):
        assert request.get_json() == json.loads(nested(MAX_DEPTH))
    assert max(decoded_depths, default=0) <= MAX_DEPTH


@pytest.mark.parametrize("path", ["/auth/refresh", "/auth/password-reset/request"])
def test_routes_that_peek_at_the_body_before_parsing_it_refuse_deep_json(make_app, path, decoded_depths):
    """The refresh token's lookup and the per-email limit's key read the body early (the limiter on)."""
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    response = client.post(path, data=TOO_DEEP, content_type="application/json")
    assert 400 <= response.status_code < 500 and response.mimetype == "application/problem+json"
    assert max(decoded_depths, default=0) <= MAX_DEPTH


@pytest.mark.parametrize("operation", params(PAGED))
def test_a_deep_cursor_is_a_422(client, admin_headers, operation, decoded_depths):
    cursor = b64(nested(190))  # as deep as the 512 characters of a cursor allow
    admin_id = client.get("/auth/me", headers=admin_headers).get_json()["id"]
    url = operation.url({"user_id": admin_id, **project_world(client, admin_headers)})
    response = client.get(url, query_string={"cursor": cursor}, headers=admin_headers)
    assert response.status_code == 422 and "cursor" in response.get_json()["errors"]
    assert max(decoded_depths, default=0) <= MAX_DEPTH


@pytest.mark.parametrize("segment", ["header", "claims"])
def test_a_deep_bearer_token_is_a_401(client, user_headers, segment, decoded_depths):
    header, claims = b64('{"alg": "HS256", "typ": "JWT"}'), b64('{"sub": "1"}')
    token = f"{b64(TOO_DEEP)}.{claims}.c2ln" if segment == "header" else f"{header}.{b64(TOO_DEEP)}.c2ln"
    assert client.get("/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": token}).status_code == 401
    assert max(decoded_depths, default=0) <= MAX_DEPTH
    assert client.get("/tasks", headers=user_headers).status_code == 200


def with_client_data(credential, client_data):
    return {**credential, "response": {**credential["response"], "clientDataJSON": b64(client_data)}}


def test_a_passkey_with_deep_client_data_is_refused(client, user_headers, decoded_depths):
    credential = SoftAuthenticator().create(register_options(client, user_headers))
    response = client.post("/auth/passkeys/register", headers=user_headers,
                           json={"credential": with_client_data(credential, TOO_DEEP), "name": "Deep"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"

    authenticator, _ = add_passkey(client, user_headers)
    assertion = authenticator.get(login_options(client))
    response = client.post("/auth/passkeys/login", json={"credential": with_client_data(assertion, TOO_DEEP)})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert max(decoded_depths, default=0) <= MAX_DEPTH
