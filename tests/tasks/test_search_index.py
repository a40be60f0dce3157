"""GET /tasks?q= through each database's trigram index: the same answers as a scan, kept in step with writes."""

import pytest
from sqlalchemy import text

from taskapi.extensions import db
from taskapi.models import ProjectRole, User
from taskapi.projects.members import add_member
from tests.links import walk


def found(client, headers, q):
    """(sorted titles, X-Total-Count) of the search ``q``."""
    response = client.get("/tasks", query_string={"q": q, "per_page": 100}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return sorted(task["title"] for task in response.get_json()), int(response.headers["X-Total-Count"])


def assert_index_in_step(app):
    """SQLite: FTS5's own check that the index holds exactly what its content view says."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("INSERT INTO tasks_search (tasks_search) VALUES ('integrity-check')"))
        db.session.rollback()


@pytest.fixture
def library(user_headers, create_task):
    """Tasks whose text needs Unicode folding, LIKE wildcards taken literally, and short words."""
    specs = [("Привет мир", "КИРИЛЛИЦА"), ("ÉCOLE normale", None), ("École de nuit", "ÉTÉ"),
             ("50% off", "a_b literal"), ("500 things", "axb not literal"), ("ab", None), ("xyz", "ÄBC")]
    for title, description in specs:
        create_task(user_headers, title, description=description)


@pytest.mark.parametrize("q, expected", [
    ("ПРИВЕТ", ["Привет мир"]),
    ("кириллица", ["Привет мир"]),
    ("école", ["ÉCOLE normale", "École de nuit"]),
    ("ÉCOLE N", ["ÉCOLE normale"]),
    ("été", ["École de nuit"]),
    ("50%", ["50% off"]),
    ("0% o", ["50% off"]),
    ("a_b", ["50% off"]),
    ("%_%", []),
    ('"ab', []),
    ("äbc", ["xyz"]),
])
def test_three_letters_or_more_keep_the_documented_meaning(client, user_headers, library, q, expected):
    titles, total = found(client, user_headers, q)
    assert (titles, total) == (expected, len(expected))


@pytest.mark.parametrize("q, expected", [
    ("é", ["ÉCOLE normale", "École de nuit"]),
    ("AB", ["ab"]),
    ("Ab", ["ab"]),
    ("0%", ["50% off"]),
    ("%", ["50% off"]),
    ("_", ["50% off"]),
    ("ä", ["xyz"]),
    ("ш", []),
])
def test_one_and_two_letters_scan_with_the_same_meaning(client, user_headers, library, q, expected):
    titles, total = found(client, user_headers, q)
    assert (titles, total) == (expected, len(expected))


def test_updates_and_deletes_keep_the_index_in_step(client, app, user_headers, create_task):
    task = create_task(user_headers, "Alpha launch", description="first draft")
    assert found(client, user_headers, "alpha") == (["Alpha launch"], 1)

    patched = client.patch(f"/tasks/{task['id']}", json={"title": "Omega launch"}, headers=user_headers)
    assert patched.status_code == 200
    assert found(client, user_headers, "alpha") == ([], 0)
    assert found(client, user_headers, "OMEGA") == (["Omega launch"], 1)
    assert found(client, user_headers, "first dr") == (["Omega launch"], 1)

    replaced = client.put(f"/tasks/{task['id']}", json={"title": "Omega launch", "description": "final copy"},
                          headers=user_headers)
    assert replaced.status_code == 200
    assert found(client, user_headers, "first dr") == ([], 0)
    assert found(client, user_headers, "final") == (["Omega launch"], 1)
    completed = client.patch(f"/tasks/{task['id']}", json={"completed": True}, headers=user_headers)
    assert completed.status_code == 200
    assert found(client, user_headers, "final") == (["Omega launch"], 1)
    assert_index_in_step(app)

    with app.app_context():  # a site admin deletes personal tasks
        user = db.session.scalar(db.select(User).where(User.username == "ada"))
        user.role = "admin"
        db.session.commit()
    assert client.delete(f"/tasks/{task['id']}", headers=user_headers).status_code == 204
    assert found(client, user_headers, "omega") == ([], 0)
    assert_index_in_step(app)


def test_a_members_search_covers_their_projects_tasks_only(client, app, auth, user_headers, create_task):
    bob = auth.headers("bob")
    project = client.post("/projects", json={"name": "Shared"}, headers=bob).get_json()
    create_task(bob, "Shared roadmap", project_id=project["id"])
    create_task(bob, "Bob's private roadmap")
    create_task(user_headers, "Ada's roadmap")
    assert found(client, user_headers, "roadmap") == (["Ada's roadmap"], 1)
    with app.app_context():
        ada = db.session.scalar(db.select(User).where(User.username == "ada"))
        add_member(project["id"], ada, ProjectRole.VIEWER, actor_id=None)
        db.session.commit()
    assert found(client, user_headers, "roadmap") == (["Ada's roadmap", "Shared roadmap"], 2)
    assert found(client, user_headers, "ROADMAP") == (["Ada's roadmap", "Shared roadmap"], 2)
    # filters and the search together; the total counts both parts of what ada sees
    response = client.get("/tasks", query_string={"q": "roadmap", "project": project["id"]}, headers=user_headers)
    assert [task["title"] for task in response.get_json()] == ["Shared roadmap"]
    assert response.headers["X-Total-Count"] == "1"


def test_filtered_totals_count_personal_and_project_tasks(client, app, auth, user_headers, create_task):
    bob = auth.headers("bob")
    project = client.post("/projects", json={"name": "Shared"}, headers=bob).get_json()
    with app.app_context():
        ada = db.session.scalar(db.select(User).where(User.username == "ada"))
        add_member(project["id"], ada, ProjectRole.VIEWER, actor_id=None)
        db.session.commit()
    create_task(bob, "project done", project_id=project["id"], completed=True, priority="high")
    create_task(bob, "project open", project_id=project["id"], priority="high")
    create_task(bob, "bob's own, not ada's", completed=True, priority="high")
    create_task(user_headers, "ada done", completed=True)
    for query, expected in (("completed=true", 2), ("priority=high", 2), ("priority=high&sort=due_date", 2),
                            ("completed=false", 1)):
        response = client.get(f"/tasks?{query}&per_page=1", headers=user_headers)
        assert response.headers["X-Total-Count"] == str(expected), query


@pytest.mark.parametrize("sort", ["-created_at", "title", "due_date", "-priority"])
def test_a_search_pages_through_its_matches_in_order(client, user_headers, create_task, sort):
    """Every page of a search, by number and by cursor, in the sort's order (PostgreSQL sorts the candidates)."""
    for number, due in enumerate(["2026-12-03", None, "2026-12-01", None, "2026-12-02"]):
        create_task(user_headers, f"Report {number}", due_date=due, priority=["low", "high"][number % 2])
    create_task(user_headers, "Unrelated")
    everything = client.get(f"/tasks?q=report&sort={sort}&per_page=100", headers=user_headers).get_json()
    expected = [task["id"] for task in everything]
    assert len(expected) == 5
    assert walk(client, f"/tasks?q=REPORT&sort={sort}&per_page=2", user_headers) == expected
    second = client.get(f"/tasks?q=report&sort={sort}&per_page=2&page=2", headers=user_headers)
    assert [task["id"] for task in second.get_json()] == expected[2:4]
    assert second.headers["X-Total-Count"] == "5"
