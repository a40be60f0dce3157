"""Request logs: one structured line per request, request ids, and no secret ever logged."""

import json
import logging

from taskapi.http.request_log import JsonFormatter
from tests.conftest import PASSWORD


def access_records(caplog):
    return [record for record in caplog.records if record.name == "taskapi.access"]


def test_every_response_carries_a_request_id(client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123.X_y"}).headers["X-Request-ID"] == "abc-123.X_y"
    for bad in ("has space", "x" * 129, "<script>", ""):
        assert client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"] != bad
    assert client.get("/no/such/route").headers["X-Request-ID"]
    assert client.get("/tasks").headers["X-Request-ID"]


def test_one_access_line_per_request_with_fields(client, user_headers, caplog):
    caplog.set_level(logging.INFO, logger="taskapi")
    client.get("/tasks?q=secret-query", headers={**user_headers, "X-Request-ID": "req-42"})
    lines = [record for record in access_records(caplog) if record.fields["request_id"] == "req-42"]
    assert len(lines) == 1
    fields = lines[0].fields
    assert fields["method"] == "GET" and fields["path"] == "/tasks" and fields["status"] == 200
    assert fields["user_id"] == 1 and fields["duration_ms"] >= 0
    assert "secret-query" not in json.dumps(fields)


def test_json_formatter_output_is_one_json_object(client, caplog):
    caplog.set_level(logging.INFO, logger="taskapi")
    client.get("/healthz", headers={"X-Request-ID": "json-1"})
    record = next(r for r in access_records(caplog) if r.fields["request_id"] == "json-1")
    entry = json.loads(JsonFormatter().format(record))
    assert entry["logger"] == "taskapi.access" and entry["status"] == 200 and entry["request_id"] == "json-1"
    assert entry["ts"].endswith("Z") and entry["level"] == "info"


def test_no_password_token_or_hash_in_logs(app, client, auth, caplog):
    caplog.set_level(logging.DEBUG)
    auth.register("ada")
    tokens = auth.login("ada").get_json()
    auth.login("ada", "a wrong password guess")
    client.get("/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    client.get("/auth/me", headers={"Authorization": "Bearer forged.token.value"})
    client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    client.post("/auth/password", headers={"Authorization": f"Bearer {tokens['access_token']}"},
                json={"current_password": "wrong guess!", "new_password": "another long passphrase"})
    from sqlalchemy import select

    from taskapi.extensions import db
    from taskapi.models import User
    with app.app_context():
        stored_hash = db.session.scalar(select(User.password_hash))
    text = caplog.text + "".join(json.dumps(getattr(r, "fields", {})) for r in caplog.records)
    for secret in (PASSWORD, "a wrong password guess", "another long passphrase", tokens["access_token"],
                   tokens["refresh_token"], stored_hash, "forged.token.value", app.config["SECRET_KEY"]):
        assert secret not in text
    assert access_records(caplog), "the flow was logged"
