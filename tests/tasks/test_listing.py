"""GET /tasks in depth: filters, search, every sort stable across pages, headers, cursors, 422s."""

import pytest

from tests.links import parse_links, walk

SORTS = ["created_at", "-created_at", "due_date", "-due_date", "priority", "-priority", "title", "-title"]


@pytest.fixture
def seeded(client, user_headers, create_task):
    """Ten tasks with varied fields, some sharing sort values (ties), some without due dates."""
    specs = [
        ("Buy milk", "low", "2026-12-01", False, "2% fat"),
        ("Write report", "high", "2026-11-30", True, "quarterly numbers"),
        ("buy bread", "normal", None, False, None),
        ("Call Ünal", "high", "2026-12-01", False, "über wichtig"),
        ("50% discount", "normal", "2026-12-05", True, "use code_A"),
        ("Fix bug #12", "low", None, False, "O'Reilly's \"quote\" issue"),
        ("Read book", "normal", "2026-11-29", False, "ÉCOLE chapter"),
        ("Read book", "normal", "2026-11-29", False, "duplicate title"),
        ("Plan trip", "high", None, True, "%_% literal"),
        ("Email Bob", "low", "2027-01-15", False, "re: snake_case"),
    ]
    tasks = [create_task(user_headers, title, priority=priority, due_date=due, completed=done, description=text)
             for title, priority, due, done, text in specs]
    return {task["title"] + str(index): task for index, task in enumerate(tasks)}


def titles(client, query, headers):
    response = client.get(f"/tasks?{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return sorted(task["title"] for task in response.get_json())


@pytest.mark.parametrize("query, expected", [
    ("completed=true", ["50% discount", "Plan trip", "Write report"]),
    ("priority=high", ["Call Ünal", "Plan trip", "Write report"]),
    ("due_before=2026-12-01", ["Read book", "Read book", "Write report"]),
    ("due_after=2026-12-01", ["50% discount", "Email Bob"]),
    ("priority=low&completed=false", ["Buy milk", "Email Bob", "Fix bug #12"]),
    ("priority=normal&due_after=2026-11-28&due_before=2026-12-02", ["Read book", "Read book"]),
    ("q=BUY", ["Buy milk", "buy bread"]),
    ("q=%25", ["50% discount", "Buy milk", "Plan trip"]),
    ("q=_", ["50% discount", "Email Bob", "Plan trip"]),
    ("q=%25_%25", ["Plan trip"]),
    ("q=O'Reilly", ["Fix bug #12"]),
    ("q=%22quote%22", ["Fix bug #12"]),
    ("q=ünal", ["Call Ünal"]),
    ("q=ÜBER", ["Call Ünal"]),
    ("q=école", ["Read book"]),
    ("q=nothing-matches", []),
])
def test_filters_and_search(client, user_headers, seeded, query, expected):
    assert titles(client, query, user_headers) == expected


def test_filtered_total_counts_matches_only(client, user_headers, seeded):
    response = client.get("/tasks?priority=high&per_page=1", headers=user_headers)
    assert response.headers["X-Total-Count"] == "3"
    assert len(response.get_json()) == 1


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_is_ordered_and_stable_across_pages(client, user_headers, seeded, sort):
    everything = client.get(f"/tasks?sort={sort}&per_page=100", headers=user_headers).get_json()
    key = sort.lstrip("-")

    def value(task):
        if key == "priority":
            return ["low", "normal", "high"].index(task["priority"])
        if key == "due_date":
            return task["due_date"] or ("9999-12-31" if not sort.startswith("-") else "0001-01-01")
        return task[key]

    values = [value(task) for task in everything]
    assert values == sorted(values, reverse=sort.startswith("-")) or key == "title"
    walked_by_cursor = walk(client, f"/tasks?sort={sort}&per_page=3", user_headers)
    by_page = []
    for page in range(1, 5):
        by_page += [t["id"] for t in client.get(f"/tasks?sort={sort}&per_page=3&page={page}",
                                                 headers=user_headers).get_json()]
    assert walked_by_cursor == by_page == [task["id"] for task in everything]
    assert len(set(walked_by_cursor)) == 10


def test_walk_with_tasks_created_during_it_has_no_duplicates_or_gaps(client, user_headers, seeded, create_task):
    before = {task["id"] for task in seeded.values()}
    created = []
    ids = walk(client, "/tasks?per_page=3", user_headers,
               on_page=lambda: created.append(create_task(user_headers, f"new {len(created)}")["id"]))
    assert len(ids) == len(set(ids))
    assert before <= set(ids)


def test_headers_on_a_middle_page(client, user_headers, seeded):
    response = client.get("/tasks?per_page=1&page=2&priority=normal&sort=title", headers=user_headers)
    assert response.headers["X-Total-Count"] == "4"
    links = parse_links(response.headers["Link"])
    assert set(links) == {"first", "prev", "next", "last"}
    assert "page=1" in links["first"] and "page=1" in links["prev"] and "page=4" in links["last"]
    for url in links.values():
        assert "priority=normal" in url and "sort=title" in url and "per_page=1" in url
    assert "cursor=" in links["next"] and "&page=" not in links["next"] and "?page=" not in links["next"]
    third = client.get(links["next"], headers=user_headers).get_json()
    assert third == client.get("/tasks?per_page=1&page=3&priority=normal&sort=title", headers=user_headers).get_json()
    last_page = client.get(links["last"], headers=user_headers)
    assert len(last_page.get_json()) == 1
    assert "next" not in parse_links(last_page.headers["Link"])


def test_total_without_filters_is_the_maintained_count(client, user_headers, admin_headers, seeded):
    assert client.get("/tasks", headers=user_headers).headers["X-Total-Count"] == "10"
    some_id = next(iter(seeded.values()))["id"]
    assert client.delete(f"/tasks/{some_id}", headers=admin_headers).status_code == 204
    assert client.get("/tasks", headers=user_headers).headers["X-Total-Count"] == "9"
    assert client.get("/tasks?all=true", headers=admin_headers).headers["X-Total-Count"] == "9"
    assert client.get("/tasks?owner=ada", headers=admin_headers).headers["X-Total-Count"] == "9"


@pytest.mark.parametrize("query, parameter", [
    ("per_page=0", "per_page"), ("per_page=101", "per_page"), ("page=0", "page"), ("page=-1", "page"),
    ("due_before=yesterday", "due_before"), ("due_after=2026-13-01", "due_after"), ("sort=owner", "sort"),
    ("priority=urgent", "priority"), ("completed=perhaps", "completed"), ("cursor=not-a-cursor", "cursor"),
    ("q=", "q"),
])
def test_invalid_parameters_are_422_naming_them(client, user_headers, query, parameter):
    response = client.get(f"/tasks?{query}", headers=user_headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert parameter in response.get_json()["errors"]


def test_cursor_of_another_sort_is_422(client, user_headers, seeded):
    next_url = parse_links(client.get("/tasks?per_page=2", headers=user_headers).headers["Link"])["next"]
    cursor = next_url.split("cursor=")[1]
    response = client.get(f"/tasks?per_page=2&sort=title&cursor={cursor}", headers=user_headers)
    assert response.status_code == 422


def test_tampered_cursor_is_422(client, user_headers):
    import base64
    bad = base64.urlsafe_b64encode(b'{"s":"-created_at","v":["not a date",1]}').decode().rstrip("=")
    assert client.get(f"/tasks?cursor={bad}", headers=user_headers).status_code == 422
