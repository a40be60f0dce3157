"""What taskapi works out once and reuses (a query string's parse, a host's base URL) answers as if worked out anew."""

import pytest
from werkzeug.sansio.utils import get_current_url

from taskapi.http.api import Blueprint
from taskapi.http.hosts import host_base
from taskapi.http.parsing import REMEMBERED_QUERIES
from taskapi.tasks.listing import TaskListArgsSchema

TASK_LIST_ARGS = TaskListArgsSchema()


@pytest.mark.parametrize("scheme, host", [
    ("http", "localhost"), ("https", "localhost:8443"), ("http", "127.0.0.1:5000"),
    ("https", "xn--bcher-kva.example"), ("http", "[::1]:8000"),
])
def test_host_base_is_werkzeugs_host_url(scheme, host):
    assert host_base(scheme, host) == get_current_url(scheme, host).rstrip("/")


def test_a_remembered_query_answers_the_same(client, user_headers, create_task):
    for number in range(3):
        create_task(user_headers, f"task {number}")
    answers = [client.get("/tasks?per_page=2&sort=title", headers=user_headers) for _ in range(3)]
    assert {response.status_code for response in answers} == {200}
    assert len({(response.get_data(), response.headers["Link"]) for response in answers}) == 1
    assert [task["title"] for task in answers[0].get_json()] == ["task 0", "task 1"]


@pytest.mark.parametrize("query", ["per_page=0", "sort=nonsense", "page=x", "q=%00"])
def test_a_refused_query_is_refused_every_time(client, user_headers, query):
    assert [client.get(f"/tasks?{query}", headers=user_headers).status_code for _ in range(3)] == [422] * 3


def test_remembered_parses_stay_bounded_and_are_copies(app, client, user_headers):
    for number in range(REMEMBERED_QUERIES + 10):
        assert client.get(f"/tasks?per_page={number % 100 + 1}&q=w{number}", headers=user_headers).status_code == 200
    parser = Blueprint.ARGUMENTS_PARSER
    assert 0 < len(parser._parsed) <= REMEMBERED_QUERIES
    with app.test_request_context("/tasks?per_page=7"):
        first = parser.parse(TASK_LIST_ARGS, location="query")
        first["per_page"] = 99  # a view changing its arguments changes nothing remembered
        assert parser.parse(TASK_LIST_ARGS, location="query")["per_page"] == 7
