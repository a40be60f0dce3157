"""Flask's extension points overridden for speed keep Flask's behaviour (taskapi/http/fast_paths.py)."""

import json
from datetime import UTC, date, datetime

import pytest


def test_plain_functions_are_remembered_by_function_not_by_bound_method(app, client, user_headers):
    def requests():
        assert client.get("/tasks", headers=user_headers).status_code == 200
        assert client.get("/healthz").status_code == 200

    requests()
    remembered = set(app.plain_functions)
    assert remembered, "nothing was remembered, so nothing was saved"
    for _ in range(20):  # a MethodView's handler is a new bound method on every request
        requests()
    assert app.plain_functions == remembered


def test_a_plain_function_is_returned_as_is(app):
    def plain():
        return "ok"

    assert app.ensure_sync(plain) is plain
    assert app.ensure_sync(plain) is plain
    assert plain in app.plain_functions


def test_a_coroutine_function_is_never_taken_for_plain(app):
    async def coroutine():
        return "ok"

    for _ in range(2):
        try:
            wrapped = app.ensure_sync(coroutine)
        except RuntimeError as error:  # Flask without its "async" extra refuses async views
            assert "async" in str(error)
        else:
            assert wrapped is not coroutine
    assert coroutine not in app.plain_functions


def test_the_memory_is_bounded(app):
    app.plain_functions.clear()
    functions = [eval("lambda: None") for _ in range(app.PLAIN_FUNCTIONS_KEPT + 10)]  # noqa: S307
    for function in functions:
        assert app.ensure_sync(function) is function
    assert len(app.plain_functions) == app.PLAIN_FUNCTIONS_KEPT


@pytest.mark.parametrize("path", ["/healthz", "/openapi.json"])
def test_unauthenticated_routes_still_answer(client, path):
    assert client.get(path).status_code == 200


def test_the_app_class_brings_the_orjson_provider_and_no_cookie_session(app, client):
    from taskapi.http.fast_paths import NoSessionInterface, OrjsonProvider

    assert type(app.json) is OrjsonProvider and isinstance(app.session_interface, NoSessionInterface)
    response = client.get("/healthz")
    assert response.get_data() == b'{"status":"ok"}\n'  # orjson's compact output, as before
    assert "Set-Cookie" not in response.headers


def test_datetimes_are_written_the_same_way_on_both_json_paths(app):
    # Listings hand their rows' timestamps to the provider; a title orjson refuses (a lone
    # surrogate) sends the same page down the standard library's path, which must agree.
    moments = [datetime(2026, 12, 7, 9, 30, 15, 987654, tzinfo=UTC), datetime(2026, 12, 7, 9, 30, 15, 987654),
               date(2027, 1, 31), None]
    expected = ["2026-12-07T09:30:15Z", "2026-12-07T09:30:15Z", "2027-01-31", None]
    with app.app_context():
        for text in ("plain", "lone \ud800 surrogate"):
            written = json.loads(app.json.response({"title": text, "moments": moments}).get_data())
            assert written == {"title": text, "moments": expected}
            assert json.loads(app.json.dumps({"moments": moments, "title": text}))["moments"] == expected
