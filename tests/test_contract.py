"""The contract hook (tests/contract.py) catches a response /openapi.json does not describe, and only those."""

import pytest

from tests.conftest import AuthActions
from tests.contract import STATE, ContractViolation

# Each test adds an after_request hook, which Flask takes only before an app's first request.
pytestmark = pytest.mark.own_app("adds an after_request hook")


def tampered(app, path, change):
    """``app`` with ``change(response)`` applied to every answer for ``path`` (or below it, when it ends in /)."""
    @app.after_request
    def tamper(response):
        from flask import request

        if request.path == path or (path.endswith("/") and request.path.startswith(path)):
            change(response)
        return response
    return app


def test_a_documented_answer_passes_and_is_counted(client):
    before = STATE.checked
    assert client.get("/healthz").status_code == 200
    assert STATE.checked == before + 1


def test_a_body_the_schema_does_not_describe_is_caught(app):
    tampered(app, "/healthz", lambda response: response.set_data(b'{"healthy": "very"}'))
    with pytest.raises(ContractViolation, match="healthz"):
        app.test_client().get("/healthz")


def test_an_undocumented_status_is_caught(app):
    def teapot(response):
        response.status_code = 418
    tampered(app, "/healthz", teapot)
    with pytest.raises(ContractViolation, match="status 418 is not documented"):
        app.test_client().get("/healthz")


def test_a_wrong_content_type_is_caught(app):
    tampered(app, "/healthz", lambda response: setattr(response, "mimetype", "text/plain"))
    with pytest.raises(ContractViolation, match="healthz"):
        app.test_client().get("/healthz")


def test_a_client_readable_header_the_status_does_not_declare_is_caught(app):
    tampered(app, "/healthz", lambda response: response.headers.set("X-Total-Count", "3"))
    with pytest.raises(ContractViolation, match="X-Total-Count not declared"):
        app.test_client().get("/healthz")


def test_a_missing_required_header_is_caught(app):
    tampered(app, "/tasks/", lambda response: response.headers.pop("ETag"))
    client = app.test_client()
    headers = AuthActions(client, app.test_cli_runner()).headers("ada")
    task = client.post("/tasks", json={"title": "Write tests"}, headers=headers).get_json()
    with pytest.raises(ContractViolation, match="ETag"):
        client.get(f"/tasks/{task['id']}", headers=headers)


def test_routes_outside_the_document_are_skipped(app):
    before = STATE.checked
    tampered(app, "/openapi.json", lambda response: response.headers.set("Link", "<x>"))
    client = app.test_client()
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/no-such-route").status_code == 404
    assert client.post("/healthz").status_code == 405  # a method the path does not serve
    assert STATE.checked == before


@pytest.mark.contract_exempt("shows that the marker turns the check off")
def test_the_marker_turns_the_check_off(app):
    tampered(app, "/healthz", lambda response: response.set_data(b"{}"))
    assert app.test_client().get("/healthz").get_json() == {}
