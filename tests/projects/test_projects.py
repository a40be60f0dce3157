"""Projects through HTTP: create, list, read, rename, delete; members; the audit trail."""

from tests.links import walk


def user_id(client, headers):
    return client.get("/auth/me", headers=headers).get_json()["id"]


def test_create_makes_the_caller_admin(client, people):
    response = client.post("/projects", json={"name": "  Launch  ", "description": "Q1"}, headers=people["ada"])
    assert response.status_code == 201, response.get_json()
    project = response.get_json()
    assert project["name"] == "Launch" and project["role"] == "admin" and project["member_count"] == 1
    assert response.headers["Location"].endswith(f"/projects/{project['id']}")
    assert client.get(response.headers["Location"], headers=people["ada"]).get_json() == project
    members = client.get(f"/projects/{project['id']}/members", headers=people["ada"]).get_json()
    assert [(m["username"], m["role"]) for m in members] == [("ada", "admin")]


def test_list_shows_each_callers_role_and_the_member_count(client, people, project):
    for name, role in (("ada", "admin"), ("bob", "editor"), ("cyd", "viewer")):
        listed = client.get("/projects", headers=people[name])
        assert listed.status_code == 200
        assert [(p["id"], p["role"], p["member_count"]) for p in listed.get_json()] == [(project["id"], role, 3)]
        assert listed.headers["X-Total-Count"] == "1"
    assert client.get("/projects", headers=people["dan"]).get_json() == []


def test_listing_pages_with_cursors_and_only_all_for_site_admins(client, people, admin_headers):
    for number in range(5):
        client.post("/projects", json={"name": f"p{number}"}, headers=people["ada"])
    client.post("/projects", json={"name": "bob's"}, headers=people["bob"])
    assert len(walk(client, "/projects?per_page=2", people["ada"])) == 5
    assert client.get("/projects?all=true", headers=people["ada"]).status_code == 403
    everything = client.get("/projects?all=true&per_page=100", headers=admin_headers)
    assert everything.headers["X-Total-Count"] == "6"
    assert {p["role"] for p in everything.get_json()} == {"admin"}
    assert client.get("/projects", headers=admin_headers).get_json() == []


def test_read_rename_delete_by_role(client, people, project, create_task):
    url = f"/projects/{project['id']}"
    assert client.get(url, headers=people["cyd"]).get_json()["name"] == "Launch"
    assert client.get(url, headers=people["dan"]).status_code == 404
    assert client.get("/projects/999999", headers=people["dan"]).status_code == 404
    assert client.patch(url, json={"name": "x"}, headers=people["bob"]).status_code == 403
    assert client.patch(url, json={"name": ""}, headers=people["bob"]).status_code == 403  # 403 before validation
    assert client.patch(url, json={"name": ""}, headers=people["ada"]).status_code == 422
    renamed = client.patch(url, json={"name": "Liftoff", "description": None}, headers=people["ada"])
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Liftoff"
    task = create_task(people["bob"], project_id=project["id"])
    assert client.delete(url, headers=people["bob"]).status_code == 403
    assert client.delete(url, headers=people["ada"]).status_code == 204
    assert client.get(url, headers=people["ada"]).status_code == 404
    assert client.get(f"/tasks/{task['id']}", headers=people["bob"]).status_code == 404
    assert client.get("/projects", headers=people["bob"]).get_json() == []


def test_members_roles_and_leaving(client, people, project):
    url = f"/projects/{project['id']}/members"
    bob, cyd = user_id(client, people["bob"]), user_id(client, people["cyd"])
    members = client.get(url, headers=people["cyd"]).get_json()
    assert [(m["username"], m["role"]) for m in members] == [("ada", "admin"), ("bob", "editor"), ("cyd", "viewer")]
    assert set(members[0]) == {"user_id", "username", "role", "joined_at"}
    assert client.get(url, headers=people["dan"]).status_code == 404
    assert client.patch(f"{url}/{cyd}", json={"role": "admin"}, headers=people["bob"]).status_code == 403
    assert client.patch(f"{url}/{cyd}", json={"role": "emperor"}, headers=people["ada"]).status_code == 422
    assert client.patch(f"{url}/999999", json={"role": "admin"}, headers=people["ada"]).status_code == 404
    promoted = client.patch(f"{url}/{cyd}", json={"role": "editor"}, headers=people["ada"])
    assert promoted.status_code == 200 and promoted.get_json()["role"] == "editor"
    assert client.delete(f"{url}/{bob}", headers=people["cyd"]).status_code == 403  # only admins remove others
    assert client.delete(f"{url}/{cyd}", headers=people["cyd"]).status_code == 204  # anyone may leave
    assert client.get(f"/projects/{project['id']}", headers=people["cyd"]).status_code == 404
    assert client.delete(f"{url}/{bob}", headers=people["ada"]).status_code == 204
    assert [m["username"] for m in client.get(url, headers=people["ada"]).get_json()] == ["ada"]


def test_the_last_admin_can_neither_be_demoted_nor_removed(client, people, project):
    url = f"/projects/{project['id']}/members"
    ada, bob = user_id(client, people["ada"]), user_id(client, people["bob"])
    assert client.patch(f"{url}/{ada}", json={"role": "editor"}, headers=people["ada"]).status_code == 409
    assert client.delete(f"{url}/{ada}", headers=people["ada"]).status_code == 409
    assert client.patch(f"{url}/{ada}", json={"role": "admin"}, headers=people["ada"]).status_code == 200  # no-op
    assert client.patch(f"{url}/{bob}", json={"role": "admin"}, headers=people["ada"]).status_code == 200
    assert client.delete(f"{url}/{ada}", headers=people["ada"]).status_code == 204
    assert client.patch(f"{url}/{bob}", json={"role": "viewer"}, headers=people["bob"]).status_code == 409


def test_site_admins_act_as_project_admins(client, people, project, admin_headers):
    url = f"/projects/{project['id']}"
    assert client.get(url, headers=admin_headers).get_json()["role"] == "admin"
    bob = user_id(client, people["bob"])
    assert client.patch(f"{url}/members/{bob}", json={"role": "viewer"}, headers=admin_headers).status_code == 200
    assert client.get(f"{url}/events", headers=admin_headers).status_code == 200


def test_the_audit_trail_and_the_security_log_of_the_person_concerned(client, people, project):
    url = f"/projects/{project['id']}"
    cyd = user_id(client, people["cyd"])
    client.patch(url, json={"name": "Liftoff"}, headers=people["ada"])
    client.patch(f"{url}/members/{cyd}", json={"role": "editor"}, headers=people["ada"])
    assert client.get(f"{url}/events", headers=people["bob"]).status_code == 403
    assert client.get(f"{url}/events", headers=people["dan"]).status_code == 404
    response = client.get(f"{url}/events", headers=people["ada"])
    assert response.status_code == 200
    events = response.get_json()
    assert [e["type"] for e in events] == ["member.role_changed", "project.updated", "member.added", "member.added",
                                           "project.created", "member.added"]
    ada = user_id(client, people["ada"])
    changed = events[0]
    assert changed["user_id"] == ada and changed["subject_id"] == cyd and changed["project_id"] == project["id"]
    assert {"id", "type", "at", "user_id", "ip", "user_agent", "details"} <= set(changed)
    assert changed["details"]["data"]["role"] == "editor" and changed["details"]["data"]["old_role"] == "viewer"
    mine = client.get("/auth/events?type=member.role_changed", headers=people["cyd"]).get_json()
    assert len(mine) == 1 and mine[0]["details"] == {"project_id": project["id"], "actor_id": ada,
                                                      "role": "editor", "old_role": "viewer"}
    only = client.get(f"{url}/events?type=project.updated", headers=people["ada"]).get_json()
    assert [e["type"] for e in only] == ["project.updated"]


def test_head_needs_what_get_needs(client, people, project):
    assert client.head(f"/projects/{project['id']}/events", headers=people["cyd"]).status_code == 403
    assert client.head(f"/projects/{project['id']}/events", headers=people["ada"]).status_code == 200
    assert client.head(f"/projects/{project['id']}", headers=people["dan"]).status_code == 404
