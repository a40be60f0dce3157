"""A token confined to a project: created only by a member, sees that project only, and no personal task."""

import pytest
from sqlalchemy import select

from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import Project, ProjectRole, User
from taskapi.projects.access import member_project_ids, project_for
from taskapi.projects.members import add_member
from tests.conftest import PASSWORD
from tests.tokens.conftest import bearer


@pytest.fixture
def projects(app, client, auth):
    """Two projects; ada is a viewer of the first only. Returns (ada's headers, first id, second id)."""
    ada = auth.headers("ada")
    with app.app_context():
        ada_id = db.session.scalar(select(User.id).where(User.username == "ada"))
        first, second = Project(name="first"), Project(name="second")
        db.session.add_all([first, second])
        db.session.flush()
        add_member(first.id, db.session.get(User, ada_id), ProjectRole.VIEWER, actor_id=None)
        db.session.commit()
        return ada, first.id, second.id


def test_only_a_member_may_confine_a_token_to_a_project(client, projects, make_token):
    ada, first, second = projects
    assert make_token(ada, ["projects:read"], project_id=first)["project_id"] == first
    for project_id in (second, 999_999):
        refused = client.post("/auth/tokens", json={"name": f"p{project_id}", "scopes": ["projects:read"],
                                                    "expires_in_days": 3, "project_id": project_id,
                                                    "current_password": PASSWORD}, headers=ada)
        assert refused.status_code == 422 and "project_id" in refused.get_json()["errors"]


def test_a_confined_token_sees_no_personal_task(client, projects, make_token, create_task):
    ada, first, _ = projects
    task = create_task(ada, title="personal")
    confined = make_token(ada, ["tasks:read", "tasks:write"], project_id=first)
    free = make_token(ada, ["tasks:read", "tasks:write"])
    assert client.get(f"/tasks/{task['id']}", headers=bearer(free)).status_code == 200
    assert client.get(f"/tasks/{task['id']}", headers=bearer(confined)).status_code == 404
    assert client.patch(f"/tasks/{task['id']}", json={"title": "x"}, headers=bearer(confined)).status_code == 404
    listed = client.get("/tasks", headers=bearer(confined))
    assert listed.status_code == 200 and listed.get_json() == [] and listed.headers["X-Total-Count"] == "0"
    assert client.get("/tasks?q=personal", headers=bearer(confined)).get_json() == []
    assert client.post("/tasks", json={"title": "new"}, headers=bearer(confined)).status_code == 403


def test_project_for_answers_404_for_another_project_to_a_confined_token(app, client, projects, make_token):
    ada, first, second = projects
    confined = make_token(ada, ["projects:read"], project_id=first)
    with app.app_context():
        add_member(second, db.session.scalar(select(User).where(User.username == "ada")), ProjectRole.ADMIN,
                   actor_id=None)
        db.session.commit()
    with app.test_request_context("/auth/me", headers=bearer(confined)):
        app.extensions["taskapi_access_tokens"](confined["token"])
        user = db.session.scalar(select(User).where(User.username == "ada"))
        assert project_for(first, user, ProjectRole.VIEWER)[0].id == first
        with pytest.raises(DomainError) as refused:
            project_for(second, user, ProjectRole.VIEWER)
        assert refused.value.status == 404
        assert list(db.session.scalars(member_project_ids(user))) == [first]
        with pytest.raises(DomainError) as too_low:  # still a viewer there: the role is checked too
            project_for(first, user, ProjectRole.EDITOR)
        assert too_low.value.status == 403
    with app.test_request_context("/auth/me"):  # a session: both projects
        user = db.session.scalar(select(User).where(User.username == "ada"))
        assert project_for(second, user, ProjectRole.ADMIN)[0].id == second


def test_deleting_the_project_deletes_its_tokens(app, client, projects, make_token):
    ada, first, _ = projects
    confined = make_token(ada, ["tasks:read"], project_id=first)
    with app.app_context():
        db.session.delete(db.session.get(Project, first))
        db.session.commit()
    assert client.get("/tasks", headers=bearer(confined)).status_code == 401


def test_a_confined_token_reaches_its_projects_tasks_and_no_others(client, auth, make_token):
    """Through HTTP: ada edits two projects; her token confined to the first works there and nowhere else."""
    ada = auth.headers("ada")
    first, second = (client.post("/projects", json={"name": name}, headers=ada).get_json()["id"]
                     for name in ("first", "second"))
    mine = client.post("/tasks", json={"title": "in first", "project_id": first}, headers=ada).get_json()
    theirs = client.post("/tasks", json={"title": "in second", "project_id": second}, headers=ada).get_json()
    client.post("/tasks", json={"title": "personal"}, headers=ada)
    confined = bearer(make_token(ada, ["tasks:read", "tasks:write", "projects:read"], project_id=first))

    listed = client.get("/tasks", headers=confined)
    assert [task["id"] for task in listed.get_json()] == [mine["id"]] and listed.headers["X-Total-Count"] == "1"
    assert [task["id"] for task in client.get("/tasks?q=in", headers=confined).get_json()] == [mine["id"]]
    assert client.get(f"/tasks?project={second}", headers=confined).get_json() == []
    assert client.get(f"/tasks/{mine['id']}", headers=confined).status_code == 200
    assert client.get(f"/tasks/{theirs['id']}", headers=confined).status_code == 404
    assert client.get(f"/projects/{second}", headers=confined).status_code == 404
    assert [project["id"] for project in client.get("/projects", headers=confined).get_json()] == [first]

    created = client.post("/tasks", json={"title": "new", "project_id": first}, headers=confined)
    assert created.status_code == 201
    assert client.post("/tasks", json={"title": "x", "project_id": second}, headers=confined).status_code == 404
    assert client.patch(f"/tasks/{mine['id']}", json={"project_id": second}, headers=confined).status_code == 404
    assert client.patch(f"/tasks/{mine['id']}", json={"project_id": None}, headers=confined).status_code == 403
    assert client.get(f"/tasks/{mine['id']}", headers=ada).get_json()["project_id"] == first
