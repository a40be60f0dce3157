"""Task responses are built without marshmallow (task_document): they must equal TaskSchema's, field for field."""

import pytest

from taskapi.extensions import db
from taskapi.models import Task
from taskapi.tasks.schemas import TaskSchema


def schema_document(app, task_id):
    """What TaskSchema makes of the stored task, read afresh from the database."""
    with app.app_context():
        return TaskSchema().dump(db.session.get(Task, task_id))


@pytest.mark.parametrize("fields", [
    {},
    {"description": "with a description", "completed": True, "priority": "high", "due_date": "2026-12-01"},
    {"description": None, "priority": "low", "due_date": None},
    {"title": "Ünïcødé ✓ title", "description": "<b>not html</b> & \"quotes\""},
])
def test_created_read_and_listed_tasks_are_the_schemas_document(app, client, user_headers, create_task, fields):
    created = create_task(user_headers, **fields)
    single = client.get(f"/tasks/{created['id']}", headers=user_headers).get_json()
    listed = client.get("/tasks", headers=user_headers).get_json()
    stored = schema_document(app, created["id"])
    assert created == single == stored
    assert listed == [stored]
    assert list(listed[0]) == list(created) == list(single)  # same members in the same order


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_an_update_answers_with_what_a_fresh_read_shows(app, client, auth, admin_headers, create_task, method):
    ada = auth.headers("ada")
    task = create_task(ada, description="before")
    changes = {"title": "after", "description": None, "completed": True, "priority": "high", "due_date": "2027-01-31"}
    for headers in (ada, admin_headers):  # the owner, then an admin (another owner's name)
        response = client.open(f"/tasks/{task['id']}", method=method, json=changes, headers=headers)
        assert response.status_code == 200, response.get_json()
        read = client.get(f"/tasks/{task['id']}", headers=headers)
        assert response.get_json() == read.get_json() == schema_document(app, task["id"])
        assert response.headers["ETag"] == read.headers["ETag"]
        assert response.get_json()["owner"] == "ada"
        changes["title"] = "again"


def test_an_admin_listing_everyone_gets_each_owners_name(client, auth, admin_headers, create_task):
    for name in ("ada", "grace"):
        create_task(auth.headers(name), title=f"{name}'s task")
    response = client.get("/tasks?all=true&sort=title", headers=admin_headers)
    assert response.status_code == 200, response.get_json()
    listed = response.get_json()
    assert [(task["title"], task["owner"]) for task in listed] == [("ada's task", "ada"), ("grace's task", "grace")]
    for task in listed:
        assert client.get(f"/tasks/{task['id']}", headers=admin_headers).get_json() == task
