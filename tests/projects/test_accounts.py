"""Deleting an account leaves its projects with an admin; disabling one keeps its memberships."""

from taskapi.extensions import db
from taskapi.models import Project, Task
from tests.conftest import PASSWORD


def user_id(client, headers):
    return client.get("/auth/me", headers=headers).get_json()["id"]


def delete_account(client, headers):
    response = client.delete("/users/me", json={"current_password": PASSWORD}, headers=headers)
    assert response.status_code == 204, response.get_json()


def test_the_member_who_joined_first_inherits_the_last_admins_place(client, people, project, create_task):
    # joined order: ada (admin), bob (editor), cyd (viewer)
    bobs = create_task(people["bob"], title="bob's", project_id=project["id"])
    adas = create_task(people["ada"], title="ada's", project_id=project["id"], assignee="cyd")
    delete_account(client, people["ada"])
    members = client.get(f"/projects/{project['id']}/members", headers=people["bob"]).get_json()
    assert [(m["username"], m["role"]) for m in members] == [("bob", "admin"), ("cyd", "viewer")]
    kept = client.get(f"/tasks/{adas['id']}", headers=people["cyd"]).get_json()
    assert (kept["owner"], kept["assignee"]) == ("bob", "cyd")  # ada's task stays, the new admin owns it
    assert client.get(f"/tasks/{bobs['id']}", headers=people["cyd"]).status_code == 200
    trail = client.get(f"/projects/{project['id']}/events?per_page=3", headers=people["bob"]).get_json()
    assert [e["type"] for e in trail[:2]] == ["member.removed", "member.role_changed"]
    assert trail[1]["details"]["data"]["username"] == "bob" and trail[1]["user_id"] is None  # the actor is gone
    assert client.get("/auth/events?type=member.role_changed", headers=people["bob"]).get_json() != []


def test_an_admin_who_is_not_the_last_leaves_the_roles_alone(client, people, project, join):
    bob = user_id(client, people["bob"])
    client.patch(f"/projects/{project['id']}/members/{bob}", json={"role": "admin"}, headers=people["ada"])
    cyd = user_id(client, people["cyd"])
    client.patch(f"/projects/{project['id']}/members/{cyd}", json={"role": "admin"}, headers=people["ada"])
    delete_account(client, people["ada"])
    members = client.get(f"/projects/{project['id']}/members", headers=people["bob"]).get_json()
    assert [(m["username"], m["role"]) for m in members] == [("bob", "admin"), ("cyd", "admin")]


def test_a_project_with_no_member_left_goes_with_its_tasks(app, client, people, create_task):
    alone = client.post("/projects", json={"name": "Solo"}, headers=people["dan"]).get_json()
    create_task(people["dan"], project_id=alone["id"])
    delete_account(client, people["dan"])
    with app.app_context():
        assert db.session.get(Project, alone["id"]) is None
        assert db.session.query(Task).filter_by(project_id=alone["id"]).count() == 0


def test_an_admin_deleting_an_account_does_the_same(client, people, project, admin_headers):
    ada = user_id(client, people["ada"])
    assert client.delete(f"/users/{ada}", headers=admin_headers).status_code == 204
    assert client.get(f"/projects/{project['id']}", headers=people["bob"]).get_json()["role"] == "admin"


def test_disabling_keeps_the_memberships(client, people, project, admin_headers):
    bob = user_id(client, people["bob"])
    assert client.patch(f"/users/{bob}", json={"is_active": False}, headers=admin_headers).status_code == 200
    assert client.get(f"/projects/{project['id']}", headers=people["ada"]).get_json()["member_count"] == 3
    assert client.patch(f"/users/{bob}", json={"is_active": True}, headers=admin_headers).status_code == 200
    fresh = client.post("/auth/login", json={"username": "bob", "password": PASSWORD}).get_json()["access_token"]
    assert client.get(f"/projects/{project['id']}", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
