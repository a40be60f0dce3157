"""The webhook routes through HTTP: admins only, the secret shown once, validation, paging, 401/403/404 order."""

import pytest

from tests.operations import operations, params

WEBHOOK_OPERATIONS = [op for op in operations(secured=True) if "/webhooks" in op.path]
SECRET_FREE = {"id", "project_id", "url", "events", "description", "active", "disabled_reason", "disabled_at",
               "previous_secret_expires_at", "created_at", "updated_at"}


def test_the_spec_has_every_webhook_operation_with_its_scope():
    from tests.operations import SPEC

    found = {(op.method, op.path) for op in WEBHOOK_OPERATIONS}
    base = "/projects/{project_id}/webhooks"
    assert found == {("GET", base), ("POST", base), ("GET", base + "/{webhook_id}"), ("PATCH", base + "/{webhook_id}"),
                     ("DELETE", base + "/{webhook_id}"), ("POST", base + "/{webhook_id}/rotate-secret"),
                     ("POST", base + "/{webhook_id}/ping"), ("GET", base + "/{webhook_id}/deliveries"),
                     ("POST", base + "/{webhook_id}/deliveries/{delivery_id}/redeliver")}
    for op in WEBHOOK_OPERATIONS:
        scope = SPEC["paths"][op.path][op.method.lower()]["x-token-scope"]
        assert scope == ("projects:read" if op.method == "GET" else "projects:write"), op


def test_create_shows_the_secret_once(client, team, receiver):
    response = client.post(team.hooks(), headers=team.admin, json={
        "url": receiver.url, "events": ["task.created", "task.created", "member.added"], "description": "CI"})
    assert response.status_code == 201
    created = response.get_json()
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["events"] == ["task.created", "member.added"] and created["active"] is True
    one = client.get(team.hooks(f"/{created['id']}"), headers=team.admin)
    listing = client.get(team.hooks(), headers=team.admin)
    assert set(one.get_json()) == SECRET_FREE
    assert [set(item) for item in listing.get_json()] == [SECRET_FREE]
    assert listing.headers["X-Total-Count"] == "1" and 'rel="first"' in listing.headers["Link"]
    for text in (one.get_data(as_text=True), listing.get_data(as_text=True)):
        assert created["secret"] not in text and created["secret"][6:] not in text


def test_the_secret_is_stored_encrypted(app, create_hook, receiver):
    from taskapi.extensions import db
    from taskapi.models import Webhook

    secret = create_hook(receiver.url)["secret"]
    with app.app_context():
        stored = db.session.query(Webhook).one()
        assert secret not in stored.secret_encrypted and secret[6:] not in stored.secret_encrypted


def test_patch_delete_and_rotate(client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    url = team.hooks(f"/{hook['id']}")
    changed = client.patch(url, headers=team.admin, json={"events": ["task.deleted"], "description": None,
                                                          "active": False})
    assert changed.status_code == 200
    assert (changed.get_json()["events"], changed.get_json()["active"]) == (["task.deleted"], False)
    rotated = client.post(f"{url}/rotate-secret", headers=team.admin)
    assert rotated.status_code == 200
    assert rotated.get_json()["secret"].startswith("whsec_") and rotated.get_json()["secret"] != hook["secret"]
    assert client.get(url, headers=team.admin).get_json()["previous_secret_expires_at"] is not None
    assert client.delete(url, headers=team.admin).status_code == 204
    assert client.get(url, headers=team.admin).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"url": "https://169.254.169.254/latest", "events": ["task.created"]}, "url"),
    ({"url": "https://10.0.0.1/", "events": ["task.created"]}, "url"),
    ({"url": "http://[::ffff:10.0.0.1]/", "events": ["task.created"]}, "url"),
    ({"url": "https://127.0.0.2/", "events": ["task.created"]}, "url"),
    ({"url": "https://user:pw@example.com/", "events": ["task.created"]}, "url"),
    ({"url": "ftp://example.com/", "events": ["task.created"]}, "url"),
    ({"url": "not a url", "events": ["task.created"]}, "url"),
    ({"url": "https://example.com/", "events": []}, "events"),
    ({"url": "https://example.com/", "events": ["webhook.ping"]}, "events"),
    ({"url": "https://example.com/", "events": ["task.exploded"]}, "events"),
    ({"url": "https://example.com/", "events": "task.created"}, "events"),
    ({"events": ["task.created"]}, "url"),
    ({"url": "https://example.com/", "events": ["task.created"], "secret": "whsec_mine"}, "secret"),
])
def test_bad_bodies_are_422(client, team, body, field):
    response = client.post(team.hooks(), headers=team.admin, json=body)
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_patch_checks_the_url_too(client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    response = client.patch(team.hooks(f"/{hook['id']}"), headers=team.admin, json={"url": "http://169.254.169.254/"})
    assert response.status_code == 422 and "url" in response.get_json()["errors"]


def concrete(op, team, ids):
    return op.url({"project_id": team.project_id, **ids})


def request(client, op, url, headers):
    body = {"url": "https://example.com/", "events": ["task.created"]} if op.body == "json" else None
    return client.open(url, method=op.method, headers=headers, json=body)


@pytest.fixture
def ids(app, client, team, create_hook, receiver):
    """A webhook with one delivery, so every path names real objects."""
    from tests.webhooks.conftest import run_due

    hook = create_hook(receiver.url)
    delivery = client.post(team.hooks(f"/{hook['id']}/ping"), headers=team.admin).get_json()
    run_due(app)
    return {"webhook_id": hook["id"], "delivery_id": delivery["id"]}


@pytest.mark.parametrize("op", params(WEBHOOK_OPERATIONS))
def test_only_the_projects_admins_get_in(client, team, ids, op):
    url = concrete(op, team, ids)
    assert request(client, op, url, {}).status_code == 401
    for headers in (team.editor, team.viewer):
        response = request(client, op, url, headers)
        assert response.status_code == 403, (op, response.get_json())
        assert response.get_json()["detail"] == "Your role in this project does not allow this"
    response = request(client, op, url, team.outsider)
    assert response.status_code == 404 and response.get_json()["detail"] == "Project not found"
    assert request(client, op, concrete(op, team, {**ids, "project_id": 999}), team.admin).status_code == 404
    assert request(client, op, url, team.admin).status_code < 300


@pytest.mark.parametrize("op", params([op for op in WEBHOOK_OPERATIONS if op.body == "json"]))
def test_a_bad_body_from_a_viewer_is_still_403(client, team, ids, op):
    """Authorisation comes before validation: a viewer learns nothing from the body's errors."""
    url = concrete(op, team, ids)
    assert client.open(url, method=op.method, headers=team.viewer, json={"url": 5}).status_code == 403
    assert client.open(url, method=op.method, headers=team.outsider, json={"url": 5}).status_code == 404


def test_other_projects_webhooks_are_404(app, client, team, create_hook, receiver):
    from taskapi.models import ProjectRole
    from tests.webhooks.conftest import make_project

    hook = create_hook(receiver.url)
    other = make_project(app, {"ada": ProjectRole.ADMIN}, name="Other")
    assert client.get(f"/projects/{other}/webhooks/{hook['id']}", headers=team.admin).status_code == 404
    assert client.get(f"/projects/{other}/webhooks", headers=team.admin).get_json() == []


def test_a_site_admin_is_every_projects_admin(client, team, admin_headers, create_hook, receiver):
    hook = create_hook(receiver.url)
    assert client.get(team.hooks(f"/{hook['id']}"), headers=admin_headers).status_code == 200


def test_deliveries_list_has_every_field(app, client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    first = client.post(team.hooks(f"/{hook['id']}/ping"), headers=team.admin)
    assert first.status_code == 202
    pending = first.get_json()
    assert pending["status"] == "pending" and pending["attempts"] == 0
    assert pending["last_status_code"] is None and pending["delivered_at"] is None and pending["last_error"] is None
    listing = client.get(team.hooks(f"/{hook['id']}/deliveries?per_page=1"), headers=team.admin)
    assert listing.status_code == 200 and listing.headers["X-Total-Count"] == "1"
    assert set(listing.get_json()[0]) == {"id", "webhook_id", "message_id", "event", "status", "attempts",
                                          "last_status_code", "last_error", "next_attempt_at", "created_at",
                                          "delivered_at"}
    assert client.get(team.hooks(f"/{hook['id']}/deliveries?per_page=0"), headers=team.admin).status_code == 422


def test_ping_and_redeliver_of_a_switched_off_webhook_are_409(client, team, create_hook, receiver):
    hook = create_hook(receiver.url)
    delivery = client.post(team.hooks(f"/{hook['id']}/ping"), headers=team.admin).get_json()
    client.patch(team.hooks(f"/{hook['id']}"), headers=team.admin, json={"active": False})
    assert client.post(team.hooks(f"/{hook['id']}/ping"), headers=team.admin).status_code == 409
    redeliver = team.hooks(f"/{hook['id']}/deliveries/{delivery['id']}/redeliver")
    assert client.post(redeliver, headers=team.admin).status_code == 409


def test_project_task_changes_reach_the_outbox_of_subscribed_webhooks_only(client, auth):
    """Through HTTP: a task created, completed and deleted in a project queues one delivery per subscribed event."""
    ada = auth.headers("ada")
    project = client.post("/projects", json={"name": "Hooked"}, headers=ada).get_json()["id"]
    base = f"/projects/{project}/webhooks"
    subscribed = ["task.created", "task.completed", "task.deleted"]
    everything = client.post(base, headers=ada, json={"url": "https://hooks.example.com/all",
                                                      "events": subscribed}).get_json()
    created_only = client.post(base, headers=ada, json={
        "url": "https://hooks.example.com/new", "events": ["task.created"]}).get_json()
    task = client.post("/tasks", json={"title": "shared", "project_id": project}, headers=ada).get_json()
    client.post("/tasks", json={"title": "personal"}, headers=ada)  # no project: no delivery
    assert client.patch(f"/tasks/{task['id']}", json={"completed": True}, headers=ada).status_code == 200
    assert client.delete(f"/tasks/{task['id']}", headers=ada).status_code == 204

    def events(hook):
        deliveries = client.get(f"{base}/{hook['id']}/deliveries", headers=ada).get_json()
        return sorted(delivery["event"] for delivery in deliveries)

    assert events(everything) == ["task.completed", "task.created", "task.deleted"]
    assert events(created_only) == ["task.created"]
    # One event, two webhooks: two messages, each with its own webhook-id.
    message_ids = {delivery["message_id"] for hook in (everything, created_only) for delivery in
                   client.get(f"{base}/{hook['id']}/deliveries", headers=ada).get_json()}
    assert len(message_ids) == 4 and all(message_id.startswith("msg_") for message_id in message_ids)
