"""The list view builds task documents without marshmallow: they must equal TaskSchema's, field for field."""

import pytest


@pytest.mark.parametrize("fields", [
    {},
    {"description": "with a description", "completed": True, "priority": "high", "due_date": "2026-12-01"},
    {"description": None, "priority": "low", "due_date": None},
    {"title": "Ünïcødé ✓ title", "description": "<b>not html</b> & \"quotes\""},
])
def test_a_listed_task_is_the_same_document_as_the_task_itself(client, user_headers, create_task, fields):
    created = create_task(user_headers, **fields)
    single = client.get(f"/tasks/{created['id']}", headers=user_headers).get_json()
    listed = client.get("/tasks", headers=user_headers).get_json()
    assert listed == [single]
    assert list(listed[0]) == list(single)  # same members in the same order


def test_an_admin_listing_everyone_gets_each_owners_name(client, auth, admin_headers, create_task):
    for name in ("ada", "grace"):
        create_task(auth.headers(name), title=f"{name}'s task")
    response = client.get("/tasks?all=true&sort=title", headers=admin_headers)
    assert response.status_code == 200, response.get_json()
    listed = response.get_json()
    assert [(task["title"], task["owner"]) for task in listed] == [("ada's task", "ada"), ("grace's task", "grace")]
    for task in listed:
        assert client.get(f"/tasks/{task['id']}", headers=admin_headers).get_json() == task
