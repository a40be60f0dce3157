"""Every operation under /projects and /tasks, tried as each kind of caller, against ONE table of answers.

The operations come from /openapi.json: an operation without a row in EXPECTED fails the test, so
a route added tomorrow must declare who may call it. A 404 for a non-member must be the very
answer given for an id that does not exist.
"""

import pytest

from tests.operations import OPERATIONS

CALLERS = ("anonymous", "non-member", "viewer", "editor", "project admin", "site admin")
MISSING = 999_999

# "METHOD /path": the status each caller in CALLERS gets, in that order.
EXPECTED = {
    "GET /projects": (401, 200, 200, 200, 200, 200),
    "POST /projects": (401, 201, 201, 201, 201, 201),
    "GET /projects/{project_id}": (401, 404, 200, 200, 200, 200),
    "PATCH /projects/{project_id}": (401, 404, 403, 403, 200, 200),
    "DELETE /projects/{project_id}": (401, 404, 403, 403, 204, 204),
    "GET /projects/{project_id}/members": (401, 404, 200, 200, 200, 200),
    "PATCH /projects/{project_id}/members/{user_id}": (401, 404, 403, 403, 200, 200),
    "DELETE /projects/{project_id}/members/{user_id}": (401, 404, 403, 403, 204, 204),
    "GET /projects/{project_id}/events": (401, 404, 403, 403, 200, 200),
    "GET /projects/{project_id}/invitations": (401, 404, 403, 403, 200, 200),
    "POST /projects/{project_id}/invitations": (401, 404, 403, 403, 201, 201),
    "DELETE /projects/{project_id}/invitations/{invitation_id}": (401, 404, 403, 403, 204, 204),
    "GET /projects/{project_id}/webhooks": (401, 404, 403, 403, 200, 200),
    "POST /projects/{project_id}/webhooks": (401, 404, 403, 403, 201, 201),
    "GET /projects/{project_id}/webhooks/{webhook_id}": (401, 404, 403, 403, 200, 200),
    "PATCH /projects/{project_id}/webhooks/{webhook_id}": (401, 404, 403, 403, 200, 200),
    "DELETE /projects/{project_id}/webhooks/{webhook_id}": (401, 404, 403, 403, 204, 204),
    "POST /projects/{project_id}/webhooks/{webhook_id}/rotate-secret": (401, 404, 403, 403, 200, 200),
    "POST /projects/{project_id}/webhooks/{webhook_id}/ping": (401, 404, 403, 403, 202, 202),
    "GET /projects/{project_id}/webhooks/{webhook_id}/deliveries": (401, 404, 403, 403, 200, 200),
    "POST /projects/{project_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver":
        (401, 404, 403, 403, 202, 202),
    "GET /tasks": (401, 200, 200, 200, 200, 200),
    "POST /tasks": (401, 404, 403, 201, 201, 201),
    "GET /tasks/{task_id}": (401, 404, 200, 200, 200, 200),
    "PATCH /tasks/{task_id}": (401, 404, 403, 200, 200, 200),
    "PUT /tasks/{task_id}": (401, 404, 403, 200, 200, 200),
    # a non-member who administers no project is refused before any lookup (the seed rule)
    "DELETE /tasks/{task_id}": (401, 403, 403, 403, 204, 204),
}
# A valid body for the operations that take one ({project_id} is filled in).
BODIES = {
    "POST /projects": {"name": "Another"},
    "PATCH /projects/{project_id}": {"name": "Renamed"},
    "PATCH /projects/{project_id}/members/{user_id}": {"role": "editor"},
    "POST /projects/{project_id}/invitations": {"email": "newcomer@example.com", "role": "viewer"},
    "POST /projects/{project_id}/webhooks": {"url": "https://hooks.example.com/other", "events": ["task.created"]},
    "PATCH /projects/{project_id}/webhooks/{webhook_id}": {"description": "Renamed"},
    "POST /tasks": {"title": "New", "project_id": "{project_id}"},
    "PATCH /tasks/{task_id}": {"title": "Changed"},
    "PUT /tasks/{task_id}": {"title": "Replaced"},
}
COVERED = [op for op in OPERATIONS if op.path.startswith(("/projects", "/tasks"))]


def test_every_operation_has_a_row_and_every_row_an_operation():
    assert {str(op) for op in COVERED} == set(EXPECTED)


@pytest.fixture
def world(request, client, remember):
    """ada admin, bob editor, cyd viewer of the project, eve a viewer others act on; dan in none; a task,
    a webhook with a queued delivery and a pending invitation (no consumer runs: nothing is sent).

    Built once per worker (``remember``): its rows are put back for each later test.
    """
    def permission_world():
        people, project, join, create_task, admin_headers = (
            request.getfixturevalue(name) for name in ("people", "project", "join", "create_task", "admin_headers"))
        client.post("/auth/register", json={"username": "eve", "password": "correct horse battery staple"})
        eve = join(project["id"], "eve", "viewer")
        task = create_task(people["bob"], project_id=project["id"])
        headers = {"anonymous": {}, "non-member": people["dan"], "viewer": people["cyd"], "editor": people["bob"],
                   "project admin": people["ada"], "site admin": admin_headers}
        base = f"/projects/{project['id']}"
        hook = client.post(f"{base}/webhooks", headers=people["ada"],
                           json={"url": "https://hooks.example.com/in", "events": ["task.created"]}).get_json()
        delivery = client.post(f"{base}/webhooks/{hook['id']}/ping", headers=people["ada"]).get_json()
        invitation = client.post(f"{base}/invitations", headers=people["ada"],
                                 json={"email": "invitee@example.com", "role": "viewer"}).get_json()
        return headers, {"project_id": project["id"], "task_id": task["id"], "user_id": eve, "webhook_id": hook["id"],
                         "delivery_id": delivery["id"], "invitation_id": invitation["id"]}

    return remember(permission_world)


def body_for(name, ids):
    body = BODIES.get(name)
    return None if body is None else {key: ids[value[1:-1]] if value in ("{project_id}",) else value
                                      for key, value in body.items()}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("operation", [pytest.param(op, id=str(op)) for op in COVERED])
def test_each_caller_gets_the_declared_answer(client, world, operation, caller):
    headers, ids = world
    name = str(operation)
    expected = EXPECTED[name][CALLERS.index(caller)]
    response = client.open(operation.url(ids), method=operation.method, json=body_for(name, ids),
                           headers=headers[caller])
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if expected >= 400:
        assert response.mimetype == "application/problem+json"
    if expected == 404 and operation.path_parameters:
        missing = client.open(operation.url({key: MISSING for key in ids}), method=operation.method,
                              json=body_for(name, ids), headers=headers[caller])
        assert (missing.status_code, missing.get_json()["detail"]) == (404, response.get_json()["detail"])
