"""The maintained task counts (in all, completed, per priority) stay exact through every kind of write over HTTP."""

from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import PRIORITIES, Project, Task, User
from taskapi.models.tasks import TASK_COUNTS
from tests.conftest import PASSWORD

# Each maintained count and the tasks it counts.
COUNTED = {"task_count": [], "completed_task_count": [Task.completed.is_(True)],
           **{f"{name}_task_count": [Task.priority == number] for name, number in PRIORITIES.items()}}


def assert_counts_exact():
    """Every user's personal counts and every project's counts equal a count of the rows."""
    assert set(COUNTED) == set(TASK_COUNTS)
    for model, owned in ((User, lambda row: [Task.owner_id == row.id, Task.project_id.is_(None)]),
                         (Project, lambda row: [Task.project_id == row.id])):
        for row in db.session.scalars(select(model)):
            kept = {name: getattr(row, name) for name in COUNTED}
            real = {name: db.session.scalar(select(func.count()).select_from(Task).where(*owned(row), *conditions))
                    for name, conditions in COUNTED.items()}
            assert kept == real, (model.__name__, row.id)
    db.session.rollback()


def assert_filter_totals_honest(client, headers):
    """A lone completed or priority filter's X-Total-Count (from the counts) is the number of tasks listed."""
    for query in ("completed=true", "completed=false", "priority=low", "priority=normal", "priority=high&sort=title"):
        response = client.get(f"/tasks?per_page=100&{query}", headers=headers)
        assert int(response.headers["X-Total-Count"]) == len(response.get_json()), query


def test_counts_follow_every_write(app, client, people, project, join, create_task):
    other = client.post("/projects", json={"name": "Other"}, headers=people["dan"]).get_json()
    join(other["id"], "bob", "editor")
    made = [create_task(people["ada"], title="a1", priority="high"),
            create_task(people["ada"], title="a2", completed=True, priority="low"),
            create_task(people["bob"], title="p1", project_id=project["id"], priority="high", completed=True),
            create_task(people["bob"], title="p2", project_id=project["id"], priority="low"),
            create_task(people["cyd"], title="c1", completed=True),
            create_task(people["dan"], title="o1", project_id=other["id"], priority="high")]
    ids = [task["id"] for task in made]
    with app.app_context():
        assert_counts_exact()

    def patch(task_id, headers, **body):
        response = client.patch(f"/tasks/{task_id}", json=body, headers=headers)
        assert response.status_code == 200, response.get_json()

    patch(ids[0], people["ada"], completed=True)  # personal: completed
    patch(ids[1], people["ada"], priority="normal", completed=False)  # personal: both at once
    patch(ids[3], people["bob"], completed=True, priority="high")  # in a project
    patch(ids[2], people["bob"], project_id=other["id"], priority="normal")  # project to project, changed on the way
    patch(ids[3], people["bob"], project_id=None, assignee=None, completed=False)  # project to personal
    patch(ids[1], people["ada"], project_id=project["id"], priority="low")  # personal to project
    with app.app_context():
        assert_counts_exact()
    for name in ("ada", "bob", "cyd", "dan"):
        assert_filter_totals_honest(client, people[name])

    assert client.delete(f"/tasks/{ids[1]}", headers=people["ada"]).status_code == 204
    assert client.delete(f"/projects/{other['id']}", headers=people["dan"]).status_code == 204
    create_task(people["cyd"], title="c2", priority="low")
    response = client.delete("/users/me", json={"current_password": PASSWORD}, headers=people["cyd"])
    assert response.status_code == 204, response.get_json()
    with app.app_context():
        assert_counts_exact()
        assert db.session.scalar(select(func.count()).select_from(Task)) == 2  # a1 and bob's p2 left
    for name in ("ada", "bob"):
        assert_filter_totals_honest(client, people[name])
