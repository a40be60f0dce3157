"""The tasks blueprint: CRUD, ownership, admin rights, paging headers."""

from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import Task

TASK_FIELDS = {"id", "title", "description", "completed", "priority", "due_date",
               "owner", "owner_id", "project_id", "assignee", "assignee_id", "created_at", "updated_at"}


def test_create_task_returns_201_with_location(client, user_headers):
    response = client.post("/tasks", headers=user_headers,
                           json={"title": "  Write tests  ", "priority": "high", "due_date": "2026-12-01"})
    assert response.status_code == 201
    task = response.get_json()
    assert set(task) == TASK_FIELDS
    assert task["title"] == "Write tests"
    assert task["owner"] == "ada" and task["priority"] == "high" and task["due_date"] == "2026-12-01"
    assert task["completed"] is False and task["description"] is None
    assert response.headers["Location"].endswith(f"/tasks/{task['id']}")
    assert client.get(response.headers["Location"], headers=user_headers).get_json() == task


def test_trailing_slash_is_the_same_route(client, user_headers, create_task):
    create_task(user_headers)
    without, with_slash = client.get("/tasks", headers=user_headers), client.get("/tasks/", headers=user_headers)
    assert without.status_code == with_slash.status_code == 200
    assert without.get_json() == with_slash.get_json()
    assert client.post("/tasks/", json={"title": "slash"}, headers=user_headers).status_code == 201


def test_list_shows_only_own_tasks(client, auth, create_task):
    alice, bob = auth.headers("alice"), auth.headers("bob")
    create_task(alice, "alice's")
    create_task(bob, "bob's")
    assert [t["title"] for t in client.get("/tasks", headers=alice).get_json()] == ["alice's"]
    assert [t["title"] for t in client.get("/tasks", headers=bob).get_json()] == ["bob's"]


def test_other_users_task_is_404_for_every_method(client, auth, create_task):
    alice, bob = auth.headers("alice"), auth.headers("bob")
    task = create_task(alice, "private")
    url = f"/tasks/{task['id']}"
    assert client.get(url, headers=bob).status_code == 404
    assert client.patch(url, json={"title": "hijacked"}, headers=bob).status_code == 404
    assert client.put(url, json={"title": "hijacked"}, headers=bob).status_code == 404
    assert client.get(url, headers=alice).get_json()["title"] == "private"


def test_patch_changes_only_given_fields(client, user_headers, create_task):
    task = create_task(user_headers, description="keep me", priority="low")
    response = client.patch(f"/tasks/{task['id']}", json={"completed": True}, headers=user_headers)
    assert response.status_code == 200
    updated = response.get_json()
    assert updated["completed"] is True
    assert updated["description"] == "keep me" and updated["priority"] == "low"
    assert updated["updated_at"] >= task["updated_at"]


def test_put_replaces_all_writable_fields(client, user_headers, create_task):
    task = create_task(user_headers, description="old", priority="high", due_date="2027-01-01")
    response = client.put(f"/tasks/{task['id']}", json={"title": "New"}, headers=user_headers)
    assert response.status_code == 200
    replaced = response.get_json()
    assert replaced["title"] == "New" and replaced["description"] is None
    assert replaced["priority"] == "normal" and replaced["due_date"] is None


def test_put_without_title_is_422(client, user_headers, create_task):
    task = create_task(user_headers)
    response = client.put(f"/tasks/{task['id']}", json={"completed": True}, headers=user_headers)
    assert response.status_code == 422
    assert "title" in response.get_json()["errors"]


def test_admin_reads_and_edits_any_task(client, auth, admin_headers, create_task):
    task = create_task(auth.headers("alice"))
    assert client.get(f"/tasks/{task['id']}", headers=admin_headers).status_code == 200
    response = client.patch(f"/tasks/{task['id']}", json={"title": "by admin"}, headers=admin_headers)
    assert response.status_code == 200 and response.get_json()["owner"] == "alice"


def test_delete_task_as_user_is_403_and_keeps_the_task(client, user_headers, create_task):
    task = create_task(user_headers)
    response = client.delete(f"/tasks/{task['id']}", headers=user_headers)
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Admin privileges required"
    assert client.get(f"/tasks/{task['id']}", headers=user_headers).status_code == 200


def test_delete_task_as_admin_is_204_then_404(client, user_headers, admin_headers, create_task):
    task = create_task(user_headers)
    assert client.delete(f"/tasks/{task['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"/tasks/{task['id']}", headers=user_headers).status_code == 404
    assert client.delete(f"/tasks/{task['id']}", headers=admin_headers).status_code == 404


def test_delete_missing_task_as_user_is_403_before_404(client, user_headers):
    assert client.delete("/tasks/12345", headers=user_headers).status_code == 403


def test_admin_lists_all_or_by_owner(client, auth, admin_headers, create_task):
    create_task(auth.headers("alice"), "a")
    create_task(auth.headers("bob"), "b")
    everyone = client.get("/tasks?all=true", headers=admin_headers).get_json()
    assert sorted(t["owner"] for t in everyone) == ["alice", "bob"]
    only_bob = client.get("/tasks?owner=BOB", headers=admin_headers).get_json()
    assert [t["owner"] for t in only_bob] == ["bob"]
    assert client.get("/tasks?owner=nobody", headers=admin_headers).get_json() == []
    assert client.get("/tasks", headers=admin_headers).get_json() == []


def test_user_may_not_list_all_or_others(client, user_headers):
    assert client.get("/tasks?all=true", headers=user_headers).status_code == 403
    assert client.get("/tasks?owner=bob", headers=user_headers).status_code == 403


def test_list_is_newest_first(client, user_headers, create_task):
    ids = [create_task(user_headers, f"t{n}")["id"] for n in range(3)]
    assert [t["id"] for t in client.get("/tasks", headers=user_headers).get_json()] == ids[::-1]


def test_deleting_a_user_cascades_to_tasks(app, user_headers, create_task):
    create_task(user_headers)
    with app.app_context():
        db.session.execute(db.text("DELETE FROM users"))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Task)) == 0
