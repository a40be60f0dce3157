"""GET /tasks?q= through each database's trigram index: the same answers as a scan, kept in step with writes."""

import random

import pytest
from sqlalchemy import text

from taskapi.extensions import db
from taskapi.models import ProjectRole, Task, User
from taskapi.projects.members import add_member
from taskapi.tasks import search
from taskapi.tasks.search import scan_condition, searched
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


# Letters whose folding is special (ß, ẞ, İ, ı, final ς, the ﬁ ligature, combining marks), LIKE's
# and FTS5's own syntax, and text outside the Basic Multilingual Plane.
ALPHABET = "abcAB12 %_\"'\\*-ßẞİıΣσςﬁÉée\u0301ЖжΩ😀"
# Letters PostgreSQL's lower() folds as str.casefold() does.
PLAIN_ALPHABET = "abcAB12 %_\"'\\*-ÉéЖжΩ😀"


def corpus(randomness, alphabet, size):
    """``size`` (title, description) pairs drawn from ``alphabet``, some descriptions missing (trimmed, as
    taskapi stores them)."""
    def draw():
        return "".join(randomness.choice(alphabet) for _ in range(randomness.randint(1, 14))).strip() or "a"

    return [(draw(), draw() if randomness.random() < 0.7 else None) for _ in range(size)]


def queries(randomness, texts, alphabet, count):
    """Searches: pieces of the corpus in other cases, and strings drawn from ``alphabet``."""
    sources = [value for pair in texts for value in pair if value]
    searches = []
    for _ in range(count):
        source = randomness.choice(sources)
        start = randomness.randrange(len(source))
        piece = source[start:start + randomness.randint(1, 6)]
        searches.append(randomness.choice([piece, piece.upper(), piece.lower(), piece.swapcase()]))
        searches.append("".join(randomness.choice(alphabet) for _ in range(randomness.randint(1, 4))))
    return searches


def test_the_index_answers_every_search_as_a_scan_does(app, user_headers, create_task):
    """What matches never depends on the index: FTS5 (SQLite) and pg_trgm (PostgreSQL) against each row's text."""
    randomness = random.Random(32)
    texts = corpus(randomness, ALPHABET, 60)
    for title, description in texts:
        create_task(user_headers, title, description=description)
    with app.app_context():
        def ids(query):
            return set(db.session.scalars(query))

        for q in queries(randomness, texts, ALPHABET, 120):
            through_index = ids(searched(db.select(Task.id), q))
            if db.engine.dialect.name == "postgresql":  # the same ILIKE with its indexes out of the plan
                db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
                db.session.execute(text("SET LOCAL enable_indexscan = off"))
            assert through_index == ids(db.select(Task.id).where(scan_condition(q))), q
            db.session.rollback()


def test_searches_through_http_match_case_folded_substrings(client, user_headers, create_task):
    """GET /tasks?q= against str.casefold(), for text both databases fold alike, with totals."""
    randomness = random.Random(2026)
    texts = corpus(randomness, PLAIN_ALPHABET, 40)
    for title, description in texts:
        create_task(user_headers, title, description=description)
    for q in queries(randomness, texts, PLAIN_ALPHABET, 40):
        folded = q.casefold()
        expected = sorted(title for title, description in texts
                          if folded in title.casefold() or folded in (description or "").casefold())
        assert found(client, user_headers, q) == (expected, len(expected)), q


@pytest.mark.parametrize("few_matches", [search.FEW_MATCHES, 2])
def test_a_search_pages_by_number_with_its_total(client, user_headers, create_task, monkeypatch, few_matches):
    """Pages by number, past the end too, whether the matches are counted with the page (few) or apart."""
    monkeypatch.setattr(search, "FEW_MATCHES", few_matches)
    newest_first = [create_task(user_headers, f"Report {number}")["id"] for number in range(5)][::-1]
    create_task(user_headers, "Unrelated")
    for page, expected in ((1, newest_first[:2]), (3, newest_first[4:]), (4, [])):
        response = client.get(f"/tasks?q=REPORT&per_page=2&page={page}", headers=user_headers)
        assert [task["id"] for task in response.get_json()] == expected, page
        assert response.headers["X-Total-Count"] == "5"
        assert ('rel="next"' in response.headers["Link"]) == (page == 1)
    nothing = client.get("/tasks?q=nowhere&page=1", headers=user_headers)
    assert (nothing.get_json(), nothing.headers["X-Total-Count"]) == ([], "0")


@pytest.mark.parametrize("sort", ["-created_at", "title", "due_date", "-priority"])
@pytest.mark.parametrize("few_matches", [search.FEW_MATCHES, 2])
def test_a_members_search_pages_through_every_part(client, app, auth, user_headers, create_task, monkeypatch,
                                                   few_matches, sort):
    """A member's search over personal and two projects' tasks pages in order, by number and by cursor,
    with its total, whether the matches are few (sorted together) or many (each part read in order)."""
    monkeypatch.setattr(search, "FEW_MATCHES", few_matches)
    bob = auth.headers("bob")
    projects = [client.post("/projects", json={"name": name}, headers=bob).get_json()["id"] for name in "AB"]
    with app.app_context():
        ada = db.session.scalar(db.select(User).where(User.username == "ada"))
        for project_id in projects:
            add_member(project_id, ada, ProjectRole.VIEWER, actor_id=None)
        db.session.commit()
    for number in range(9):
        owner, project_id = (user_headers, None) if number % 3 == 0 else (bob, projects[number % 3 - 1])
        create_task(owner, f"Plan {number}", project_id=project_id, priority=["low", "high"][number % 2],
                    due_date=None if number % 4 else f"2026-12-0{number + 1}", completed=number % 2 == 0)
    create_task(bob, "Bob's own plan")  # not ada's to see
    create_task(user_headers, "Unrelated")
    everything = client.get(f"/tasks?sort={sort}&per_page=100", headers=user_headers).get_json()
    expected = [task["id"] for task in everything if "plan" in task["title"].casefold()]
    assert len(expected) == 9
    assert walk(client, f"/tasks?q=PLAN&sort={sort}&per_page=2", user_headers) == expected
    for page in (1, 3, 5, 6):
        response = client.get(f"/tasks?q=plan&sort={sort}&per_page=2&page={page}", headers=user_headers)
        assert [task["id"] for task in response.get_json()] == expected[2 * page - 2:2 * page], page
        assert response.headers["X-Total-Count"] == "9"
    done = client.get(f"/tasks?q=plan&completed=true&sort={sort}&per_page=100", headers=user_headers)
    assert [task["id"] for task in done.get_json()] == [
        task["id"] for task in everything if task["id"] in expected and task["completed"]]
    assert done.headers["X-Total-Count"] == "5"


def test_a_search_within_a_scope_that_matches_nothing(client, auth, user_headers, create_task):
    """A search ANDed with a condition that is false outright (an unknown owner or assignee) answers an empty page."""
    create_task(user_headers, "Quarterly report")
    admin = auth.create_admin()
    for headers, query in ((user_headers, "assignee=nobody"), (admin, "owner=nobody"), (user_headers, "project=999")):
        response = client.get(f"/tasks?q=report&{query}", headers=headers)
        assert response.status_code == 200, (query, response.get_json())
        assert (response.get_json(), response.headers["X-Total-Count"]) == ([], "0")
