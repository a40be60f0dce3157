"""A member's listing over several projects (merged parts): each filter and sort in order, both paging modes."""

import pytest

from tests.links import walk

# Each sort's key without its direction (nulls last ascending: a missing due date reads as no deadline).
SORTS = {"created_at": lambda task: (task["created_at"], task["id"]),
         "due_date": lambda task: (task["due_date"] or "9999-12-31", task["id"]),
         "priority": lambda task: ({"low": 0, "normal": 1, "high": 2}[task["priority"]], task["id"]),
         "title": lambda task: (task["title"], task["id"])}
FILTERS = {"": lambda task, projects: True, "completed=true": lambda task, projects: task["completed"],
           "completed=false": lambda task, projects: not task["completed"],
           "priority=high": lambda task, projects: task["priority"] == "high",
           "project=none": lambda task, projects: task["project_id"] is None,
           "project=second": lambda task, projects: task["project_id"] == projects[1]}


def expected(tasks, sort, matches):
    """The ids ``sort`` lists the tasks ``matches`` keeps in."""
    ordered = sorted(filter(matches, tasks), key=SORTS[sort.lstrip("-")], reverse=sort.startswith("-"))
    return [task["id"] for task in ordered]


@pytest.fixture
def world(client, people, join, create_task):
    """bob in three projects (two of them ada's, one cyd's) with personal tasks; dan's tasks he must not see."""
    projects = [client.post("/projects", json={"name": f"p{number}"}, headers=people[owner]).get_json()["id"]
                for number, owner in enumerate(("ada", "ada", "cyd"))]
    for project_id in projects:
        join(project_id, "bob", "editor")
    seen = []
    for number in range(14):
        project_id = None if number % 4 == 0 else projects[number % 3]
        seen.append(create_task(people["bob"], title=f"t{(number * 7) % 10}", project_id=project_id,
                                completed=number % 3 == 0, priority=("low", "normal", "high")[number % 3 - 1],
                                due_date=None if number % 5 == 0 else f"2027-01-{1 + (number * 3) % 9:02d}"))
    create_task(people["dan"], title="t1", priority="high", completed=True)
    return projects, seen


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "due_date", "priority", "-priority", "title"])
@pytest.mark.parametrize("query", list(FILTERS))
@pytest.mark.parametrize("few_visible", [1_000, 0])  # 0: the unfiltered listing merges its parts too
@pytest.mark.parametrize("split_projects", [50, 2])  # 2: bob's three projects are one part (past SPLIT_PROJECTS)
def test_each_filter_and_sort_pages_the_members_tasks_in_order(client, people, world, sort, query, few_visible,
                                                               split_projects, monkeypatch):
    monkeypatch.setattr("taskapi.tasks.listing.FEW_VISIBLE", few_visible)
    monkeypatch.setattr("taskapi.projects.access.SPLIT_PROJECTS", split_projects)
    projects, tasks = world
    matches = lambda task: FILTERS[query](task, projects)  # noqa: E731
    want = expected(tasks, sort, matches)
    url = f"/tasks?per_page=3&sort={sort}&{query.replace('second', str(projects[1]))}"
    assert walk(client, url, people["bob"]) == want  # cursors
    numbered = []
    for page in range(1, len(want) // 3 + 2):
        response = client.get(f"{url}&page={page}", headers=people["bob"])
        assert int(response.headers["X-Total-Count"]) == len(want)
        numbered += [task["id"] for task in response.get_json()]
    assert numbered == want
