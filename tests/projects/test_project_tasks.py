"""Tasks in projects through HTTP: who sees, changes, moves, assigns and deletes them; listings of the union."""

import pytest

from tests.links import parse_links, walk


def user_id(client, headers):
    return client.get("/auth/me", headers=headers).get_json()["id"]


@pytest.fixture
def board(client, people, project, create_task):
    """ada's personal task, two tasks in the project (by bob), dan's personal task; their ids."""
    return {"ada": create_task(people["ada"], title="ada alone")["id"],
            "p1": create_task(people["bob"], title="shared one", project_id=project["id"])["id"],
            "p2": create_task(people["bob"], title="shared two", project_id=project["id"], assignee="cyd")["id"],
            "dan": create_task(people["dan"], title="dan alone")["id"]}


def titles(client, url, headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    return sorted(task["title"] for task in response.get_json()), response.headers["X-Total-Count"]


def test_a_project_task_document(client, people, project, board):
    task = client.get(f"/tasks/{board['p2']}", headers=people["cyd"]).get_json()
    assert task["project_id"] == project["id"] and task["owner"] == "bob"
    assert task["assignee"] == "cyd" and task["assignee_id"] == user_id(client, people["cyd"])
    personal = client.get(f"/tasks/{board['ada']}", headers=people["ada"]).get_json()
    assert (personal["project_id"], personal["assignee"], personal["assignee_id"]) == (None, None, None)


def test_who_may_create_in_a_project(client, people, project):
    body = {"title": "t", "project_id": project["id"]}
    assert client.post("/tasks", json=body, headers=people["cyd"]).status_code == 403
    assert client.post("/tasks", json=body, headers=people["dan"]).status_code == 404
    assert client.post("/tasks", json={**body, "project_id": 999999}, headers=people["ada"]).status_code == 404
    assert client.post("/tasks", json={**body, "project_id": "1"}, headers=people["ada"]).status_code == 422
    assert client.post("/tasks", json={**body, "assignee": "dan"}, headers=people["ada"]).status_code == 422
    assert client.post("/tasks", json={**body, "assignee": "nobody"}, headers=people["ada"]).status_code == 422
    assert client.post("/tasks", json={"title": "t", "assignee": "bob"}, headers=people["ada"]).status_code == 422
    mine = client.post("/tasks", json={"title": "t", "assignee": "ada"}, headers=people["ada"])
    assert mine.status_code == 201 and mine.get_json()["assignee"] == "ada"


def test_the_listing_is_the_union_of_personal_and_project_tasks(client, people, project, board):
    assert titles(client, "/tasks", people["ada"]) == (["ada alone", "shared one", "shared two"], "3")
    assert titles(client, "/tasks", people["cyd"]) == (["shared one", "shared two"], "2")
    assert titles(client, "/tasks", people["dan"]) == (["dan alone"], "1")
    assert titles(client, "/tasks?project=none", people["ada"]) == (["ada alone"], "1")
    assert titles(client, f"/tasks?project={project['id']}", people["ada"]) == (["shared one", "shared two"], "2")
    assert titles(client, f"/tasks?project={project['id']}", people["dan"]) == ([], "0")
    assert titles(client, "/tasks?project=999999", people["dan"]) == ([], "0")
    assert titles(client, "/tasks?assignee=me", people["cyd"]) == (["shared two"], "1")
    assert titles(client, "/tasks?assignee=cyd", people["ada"]) == (["shared two"], "1")
    assert titles(client, "/tasks?assignee=none", people["ada"]) == (["ada alone", "shared one"], "2")
    assert titles(client, "/tasks?assignee=nobody", people["ada"]) == ([], "0")
    assert titles(client, "/tasks?q=shared&sort=title", people["cyd"]) == (["shared one", "shared two"], "2")
    assert titles(client, "/tasks?q=alone", people["cyd"]) == ([], "0")
    for bad in ("project=abc", "project=0", "project=-1", "assignee="):
        assert client.get(f"/tasks?{bad}", headers=people["ada"]).status_code == 422


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "title", "-due_date", "priority"])
def test_both_paging_modes_walk_the_union_and_cursors_reveal_nothing_else(client, people, project, create_task, sort):
    for number in range(4):
        create_task(people["bob"], title=f"shared {number}", project_id=project["id"])
        create_task(people["ada"], title=f"ada {number}")
        create_task(people["dan"], title=f"dan {number}")
    ada_ids = walk(client, f"/tasks?per_page=3&sort={sort}", people["ada"])
    assert len(ada_ids) == len(set(ada_ids)) == 8
    pages = [client.get(f"/tasks?per_page=3&sort={sort}&page={page}", headers=people["ada"]).get_json()
             for page in (1, 2, 3)]
    assert [task["id"] for page in pages for task in page] == ada_ids
    # a cursor ada was given, replayed by dan, pages dan's own tasks only
    first = client.get(f"/tasks?per_page=3&sort={sort}", headers=people["ada"])
    next_url = parse_links(first.headers["Link"])["next"]
    dan_ids = {t["id"] for t in client.get("/tasks?per_page=100", headers=people["dan"]).get_json()}
    replayed = client.get(next_url, headers=people["dan"]).get_json()
    assert {task["id"] for task in replayed} <= dan_ids
    assert walk(client, f"/tasks?per_page=3&sort={sort}", people["cyd"]) != []
    assert set(walk(client, f"/tasks?per_page=3&sort={sort}", people["cyd"])) < set(ada_ids)


def test_reads_writes_and_conditional_requests_by_role(client, people, board):
    url = f"/tasks/{board['p1']}"
    read = client.get(url, headers=people["cyd"])
    assert read.status_code == 200
    assert client.get(url, headers={**people["cyd"], "If-None-Match": read.headers["ETag"]}).status_code == 304
    assert client.get(url, headers=people["dan"]).status_code == 404
    assert client.patch(url, json={"title": "x"}, headers=people["cyd"]).status_code == 403
    assert client.patch(url, json={"title": ""}, headers=people["cyd"]).status_code == 403  # before validation
    assert client.patch(url, json={"title": "x"}, headers=people["dan"]).status_code == 404
    changed = client.patch(url, json={"title": "by ada", "assignee": "bob"},
                           headers={**people["ada"], "If-Match": read.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json()["assignee"] == "bob"
    stale = client.patch(url, json={"title": "late"}, headers={**people["bob"], "If-Match": read.headers["ETag"]})
    assert stale.status_code == 412
    assert client.get(url, headers={**people["cyd"], "If-None-Match": read.headers["ETag"]}).status_code == 200
    assert client.put(url, json={"title": "replaced"}, headers=people["bob"]).get_json()["project_id"] is not None
    assert client.get(f"/tasks/{board['ada']}", headers=people["bob"]).status_code == 404


def test_moving_between_projects_needs_editor_on_both_sides(client, people, project, board, join):
    other = client.post("/projects", json={"name": "Other"}, headers=people["cyd"]).get_json()
    url = f"/tasks/{board['p1']}"
    assert client.patch(url, json={"project_id": other["id"]}, headers=people["bob"]).status_code == 404
    bob = join(other["id"], "bob", "viewer")
    assert client.patch(url, json={"project_id": other["id"]}, headers=people["bob"]).status_code == 403
    assert client.patch(url, json={"project_id": other["id"]}, headers=people["cyd"]).status_code == 403  # viewer here
    assert client.patch(f"/projects/{other['id']}/members/{bob}", json={"role": "editor"},
                        headers=people["cyd"]).status_code == 200
    moved = client.patch(url, json={"project_id": other["id"]}, headers=people["bob"])
    assert moved.status_code == 200 and moved.get_json()["project_id"] == other["id"]
    assert client.get(url, headers=people["ada"]).status_code == 404  # ada is not in Other
    assert client.get(url, headers=people["cyd"]).status_code == 200
    left = client.get(f"/projects/{project['id']}/events?type=task.deleted", headers=people["ada"]).get_json()
    assert [event["details"]["data"]["project_id"] for event in left] == [project["id"]]  # not where it went


def test_moving_to_personal_and_back_keeps_the_counts(client, people, project, board):
    url = f"/tasks/{board['p2']}"  # bob's, assigned to cyd
    assert client.patch(url, json={"project_id": None}, headers=people["ada"]).status_code == 403  # not the owner
    assert client.patch(url, json={"project_id": None}, headers=people["bob"]).status_code == 422  # cyd assigned
    moved = client.patch(url, json={"project_id": None, "assignee": None}, headers=people["bob"])
    assert moved.status_code == 200 and moved.get_json()["project_id"] is None
    assert titles(client, "/tasks", people["bob"]) == (["shared one", "shared two"], "2")
    assert titles(client, "/tasks", people["cyd"]) == (["shared one"], "1")
    back = client.patch(url, json={"project_id": project["id"]}, headers=people["bob"])
    assert back.status_code == 200
    assert titles(client, "/tasks?project=none", people["bob"]) == ([], "0")
    assert titles(client, "/tasks", people["cyd"]) == (["shared one", "shared two"], "2")


def test_delete_rules(client, people, project, board, admin_headers, join):
    # neither site admin nor admin of any project: 403 before any lookup, even for a missing id
    for url in (f"/tasks/{board['p1']}", "/tasks/999999", f"/tasks/{board['dan']}"):
        assert client.delete(url, headers=people["bob"]).status_code == 403
    # a project admin: their project's tasks yes; others 404 if unseen, 403 if seen (own personal ones too)
    assert client.delete(f"/tasks/{board['dan']}", headers=people["ada"]).status_code == 404
    assert client.delete("/tasks/999999", headers=people["ada"]).status_code == 404
    assert client.delete(f"/tasks/{board['ada']}", headers=people["ada"]).status_code == 403
    other = client.post("/projects", json={"name": "Other"}, headers=people["dan"]).get_json()
    join(other["id"], "ada", "editor")
    dans = client.post("/tasks", json={"title": "d", "project_id": other["id"]}, headers=people["dan"]).get_json()
    assert client.delete(f"/tasks/{dans['id']}", headers=people["ada"]).status_code == 403
    assert client.delete(f"/tasks/{board['p1']}", headers=people["ada"]).status_code == 204
    assert client.get(f"/tasks/{board['p1']}", headers=people["bob"]).status_code == 404
    assert client.delete(f"/tasks/{board['dan']}", headers=admin_headers).status_code == 204
    trail = client.get(f"/projects/{project['id']}/events?type=task.deleted", headers=people["ada"]).get_json()
    assert len(trail) == 1 and trail[0]["details"]["data"]["id"] == board["p1"]


def test_a_removed_member_loses_the_tasks_at_once_and_is_unassigned(client, people, project, board):
    cyd = user_id(client, people["cyd"])
    assert client.get(f"/tasks/{board['p2']}", headers=people["cyd"]).status_code == 200
    assert client.delete(f"/projects/{project['id']}/members/{cyd}", headers=people["ada"]).status_code == 204
    assert client.get(f"/tasks/{board['p2']}", headers=people["cyd"]).status_code == 404
    assert titles(client, "/tasks", people["cyd"]) == ([], "0")
    assert client.get(f"/tasks/{board['p2']}", headers=people["ada"]).get_json()["assignee"] is None


def test_site_admins_list_every_task_or_one_creators(client, people, board, admin_headers):
    assert titles(client, "/tasks?all=true", admin_headers) == (
        ["ada alone", "dan alone", "shared one", "shared two"], "4")
    assert titles(client, "/tasks?owner=bob", admin_headers) == (["shared one", "shared two"], "2")
    assert titles(client, "/tasks", admin_headers) == ([], "0")  # a site admin's own listing is their own


def test_events_of_project_tasks_carry_the_members_document(client, people, project, board):
    client.patch(f"/tasks/{board['p1']}", json={"completed": True}, headers=people["bob"])
    client.delete(f"/tasks/{board['p1']}", headers=people["ada"])
    trail = client.get(f"/projects/{project['id']}/events", headers=people["ada"]).get_json()
    deleted = next(event for event in trail if event["type"] == "task.deleted")
    assert deleted["details"]["data"]["title"] == "shared one" and deleted["details"]["data"]["completed"] is True
    assert not {"task.created", "task.updated", "task.completed"} & {event["type"] for event in trail}


def test_every_change_to_a_project_task_is_announced_once(client, people, project, board):
    from taskapi.signals import project_event

    heard = []

    def listen(project_id, **event):
        heard.append((project_id, str(event["type"]), event["data"].get("title")))

    project_event.connect(listen)
    try:
        task = client.post("/tasks", json={"title": "new", "project_id": project["id"]}, headers=people["bob"])
        url = f"/tasks/{task.get_json()['id']}"
        client.patch(url, json={"title": "renamed"}, headers=people["bob"])
        client.patch(url, json={"completed": True}, headers=people["bob"])
        client.delete(url, headers=people["ada"])
        client.post("/tasks", json={"title": "personal"}, headers=people["bob"])  # not a project's: silent
    finally:
        project_event.disconnect(listen)
    assert heard == [(project["id"], "task.created", "new"), (project["id"], "task.updated", "renamed"),
                     (project["id"], "task.completed", "renamed"), (project["id"], "task.deleted", "renamed")]


def test_put_keeps_the_project_unless_it_names_another(client, people, project, board):
    url = f"/tasks/{board['p1']}"
    kept = client.put(url, json={"title": "kept", "assignee": "cyd"}, headers=people["bob"])
    assert kept.status_code == 200 and kept.get_json()["project_id"] == project["id"]
    assert kept.get_json()["assignee"] == "cyd"
    cleared = client.put(url, json={"title": "kept"}, headers=people["bob"])  # replace: no assignee given
    assert cleared.get_json()["assignee"] is None
    personal = client.put(url, json={"title": "mine", "project_id": None}, headers=people["bob"])
    assert personal.status_code == 200 and personal.get_json()["project_id"] is None
    assert client.get(url, headers=people["cyd"]).status_code == 404


def test_the_maintained_counts_match_the_rows(app, client, people, project, board, join):
    """users.task_count (personal tasks), users.project_count and projects.task_count after every kind of change."""
    from sqlalchemy import func, select

    from taskapi.extensions import db
    from taskapi.models import Project, ProjectMember, Task, User

    other = client.post("/projects", json={"name": "Other"}, headers=people["dan"]).get_json()
    join(other["id"], "bob", "editor")
    client.patch(f"/tasks/{board['p1']}", json={"project_id": other["id"]}, headers=people["bob"])
    client.patch(f"/tasks/{board['p2']}", json={"project_id": None, "assignee": None}, headers=people["bob"])
    client.patch(f"/tasks/{board['ada']}", json={"project_id": project["id"]}, headers=people["ada"])
    client.delete(f"/tasks/{board['ada']}", headers=people["ada"])
    client.delete(f"/projects/{other['id']}", headers=people["dan"])
    with app.app_context():
        for user in db.session.scalars(select(User)):
            personal = db.session.scalar(select(func.count()).select_from(Task).where(
                Task.owner_id == user.id, Task.project_id.is_(None)))
            memberships = db.session.scalar(select(func.count()).select_from(ProjectMember).where(
                ProjectMember.user_id == user.id))
            assert (user.task_count, user.project_count) == (personal, memberships), user.username
        for row in db.session.scalars(select(Project)):
            assert row.task_count == db.session.scalar(select(func.count()).select_from(Task).where(
                Task.project_id == row.id))
    for name in ("ada", "bob", "cyd", "dan"):
        listed = client.get("/tasks?per_page=1", headers=people[name])
        assert int(listed.headers["X-Total-Count"]) == len(client.get("/tasks?per_page=100",
                                                                      headers=people[name]).get_json())
