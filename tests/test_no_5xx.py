"""No URL gives a 5xx: every GET in /openapi.json × any query string and any cursor (hypothesis).

Each answer is a 2xx, or a 4xx problem document; run as a user and as an admin, whose listings
take more parameters (``all``, ``owner``).
"""

import base64
import json
import os
from datetime import date, datetime
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskapi.tasks.listing import SORT_KEYS
from taskapi.users.accounts import BY_ID
from tests.operations import operations, params
from tests.project_world import project_world

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
GETS = operations(method="GET")
# The sort orders each listing makes cursors for: GET /tasks (by ``sort``) and GET /users.
LISTING_KEYS = [list(SORT_KEYS.values()), [BY_ID]]
# Names url_for, the pager or the listings give a meaning to, beside anything at all.
SPECIAL_NAMES = ["_external", "_anchor", "_method", "_scheme", "page", "per_page", "cursor", "sort", "q"]

# A name or value: any text (NUL included; surrogates cannot be encoded in a URL), or raw bytes
# that need not be UTF-8.
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
raw = st.binary(max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=10,
)


def encoded(part):
    """``part`` percent-encoded for a query string (bytes as they are, text as UTF-8)."""
    return quote(part, safe="")


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# For each kind of value a cursor holds: the right kind (of any size, naive or in any zone), or anything.
near_misses = {
    datetime: st.datetimes(timezones=st.none() | st.timezones()).map(lambda moment: moment.isoformat()),
    date: st.dates().map(lambda day: day.isoformat()),
    int: st.integers() | st.integers(min_value=2**63) | st.integers(max_value=-(2**63) - 1) | st.booleans()
    | st.floats(),
    str: st.text(max_size=20),  # surrogates and NUL included: JSON escapes them
}


@st.composite
def cursors(draw):
    """(cursor, sort): base64 of any bytes, of any JSON, or of a cursor for a sort order with odd values."""
    kind = draw(st.sampled_from(["bytes", "json", "shaped", "shaped", "shaped"]))
    key = draw(st.sampled_from(draw(st.sampled_from(LISTING_KEYS))))
    sort = draw(st.sampled_from([key.name] * 4 + [None]))
    if kind == "bytes":
        return b64(draw(st.binary(max_size=120))), sort
    if kind == "json":
        return b64(json.dumps(draw(json_values)).encode()), sort
    values = [draw(st.one_of(near_misses[value_type], near_misses[value_type], json_values))
              for value_type in key.value_types]
    # Mostly a cursor the listing takes up to its values: the right sort order and length.
    values = draw(st.sampled_from([values] * 4 + [values[:1], values + [1]]))
    name = draw(st.sampled_from([key.name] * 4 + ["-" + key.name]))
    return b64(json.dumps({"s": name, "v": values}).encode()), sort


@pytest.fixture
def world(client, auth, admin_headers, create_task):
    """ada with enough tasks for several pages; an admin; the ids paths need."""
    user = auth.headers("ada")
    tasks = [create_task(user, f"task {number}", due_date=f"2030-01-{number + 1:02d}") for number in range(5)]
    ada_id = client.get("/auth/me", headers=user).get_json()["id"]
    return {"user": user, "admin": admin_headers, "ids": {"task_id": tasks[0]["id"], "user_id": ada_id,
                                                          **project_world(client, user)}}


def assert_2xx_or_4xx_problem(response, url):
    text = response.get_data(as_text=True)
    assert 200 <= response.status_code < 300 or 400 <= response.status_code < 500, \
        f"GET {url}: {response.status_code} {text[:300]}"
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", f"GET {url}: {text[:300]}"
        assert "Traceback" not in text


@pytest.mark.parametrize("caller", ["user", "admin"])
@pytest.mark.parametrize("operation", params(GETS))
@SETTINGS
@given(data=st.data())
def test_any_query_string_is_2xx_or_a_4xx_problem(client, world, operation, caller, data):
    names = st.sampled_from(list(operation.query) + SPECIAL_NAMES) | texts | raw
    pairs = data.draw(st.lists(st.tuples(names, texts | raw), max_size=5))
    url = operation.url(world["ids"]) + "?" + "&".join(f"{encoded(name)}={encoded(value)}" for name, value in pairs)
    assert_2xx_or_4xx_problem(client.get(url, headers=world[caller]), url)


@pytest.mark.parametrize("caller", ["user", "admin"])
@pytest.mark.parametrize("operation", params(GETS))
@settings(SETTINGS, max_examples=EXAMPLES * 2)  # a tampered cursor must get past several checks to matter
@given(cursor_and_sort=cursors(), per_page=st.sampled_from([None, 1, 2]))
def test_any_cursor_is_2xx_or_a_4xx_problem(client, world, operation, caller, cursor_and_sort, per_page):
    cursor, sort = cursor_and_sort
    query = {"cursor": cursor, "sort": sort, "per_page": per_page}
    url = operation.url(world["ids"]) + "?" + "&".join(
        f"{name}={encoded(str(value))}" for name, value in query.items() if value is not None)
    assert_2xx_or_4xx_problem(client.get(url, headers=world[caller]), url)


def test_nul_in_a_query_value_is_a_422_not_a_match_for_everything(client, world):
    # SQLite ended the LIKE pattern at the NUL: "q=%00" answered every task.
    response = client.get("/tasks?q=%00", headers=world["user"])
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "q" in response.get_json()["errors"]
    assert client.get("/tasks?q=%00", headers=world["admin"]).status_code == 422


@pytest.mark.parametrize("name", ["_external", "_anchor", "_method", "_scheme"])
def test_url_for_keywords_stay_query_parameters_in_links(client, world, name):
    # GET /tasks?_external=1 was a 500: the listing passed query names to url_for as keywords.
    response = client.get(f"/tasks?per_page=2&{name}=x%20y", headers=world["user"])
    assert response.status_code == 200
    for link in response.headers["Link"].split(", "):
        assert f"{name}=x+y" in link and "per_page=2" in link, link


@pytest.mark.parametrize("values", [["2030-01-01T00:00:00", 1], ["0001-01-01T00:00:00+05:00", 1],
                                    ["2030-01-01T00:00:00+00:00", 2**70], ["2030-01-01T00:00:00+00:00", True],
                                    ["2030-01-01T00:00:00+00:00"], {"a": 1, "b": 2}])
def test_cursor_values_of_an_unexpected_shape_are_422(client, world, values):
    # A naive or far-off timestamp, or an integer no column holds, failed inside the query (500).
    cursor = b64(json.dumps({"s": "-created_at", "v": values}).encode())
    response = client.get(f"/tasks?cursor={cursor}", headers=world["user"])
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"cursor": ["Invalid cursor."]}


@pytest.mark.parametrize("text", ["a\u0000b", "\ud800"])
def test_cursor_text_a_database_cannot_store_is_422(client, world, text):
    cursor = b64(json.dumps({"s": "title", "v": [text, 1]}).encode())
    assert client.get(f"/tasks?sort=title&cursor={cursor}", headers=world["user"]).status_code == 422
