"""Filters, sorts and searches at depth: first pages of GET /tasks with their honest X-Total-Count.

Two callers on one database, seeded once with bulk SQL: ``deep`` owns 1,000,000 personal tasks
(the seed of bench/listing_depth.py) and ``member`` belongs to 20 projects holding 1,000,000 tasks
between them. Each case is the median of ``--repeat`` first pages (per_page=50) through gunicorn
(2 workers), after ``--warm`` uncounted ones (the warm-up ends at a page slower than SLOW).
Usage: ``python -m bench.search_depth [--size 1000000] [--databases sqlite,postgres] [--repeat 7]
[--warm 12] [--sqlite-url URL] [--postgres-url URL]``;
writes bench/results/search_depth.md. A database given by URL is seeded on first use and kept, so
later runs skip the minutes of seeding.
"""

import argparse
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import create_engine, event, make_url, text

from bench import servers
from bench.databases import POSTGRES_ADMIN, fresh_database, reachable_databases
from bench.listing_depth import PASSWORD, POSTGRES_SEED, RECOUNT_PROJECTS, RECOUNT_USERS, SQLITE_SEED
from taskapi.db.engine import tune_sqlite_connection

PROJECTS = 20
SIZE, REPEAT = 1_000_000, 7
# One keep-alive connection reaches one worker and, sequentially, one database connection. psycopg
# prepares a statement on its 6th run there, and PostgreSQL plans the first 5 runs of a prepared
# statement for their parameters before it keeps a generic plan: 11 runs reach the steady state.
WARM = 12
RESULTS = Path(__file__).parent / "results" / "search_depth.md"
# (label, query string, target ms): a single filter or sort with its total, and searches.
CASES = [
    ("unfiltered", "", 10),
    ("completed=true", "completed=true", 50),
    ("priority=high", "priority=high", 50),
    ("priority=high&sort=due_date", "priority=high&sort=due_date", 50),
    ("sort=due_date", "sort=due_date", 50),
    ("sort=title", "sort=title", 50),
    ("q=99999", "q=99999", 50),
    ("q=zzq", "q=zzq", 50),
    ("q=TASK 12", "q=TASK%2012", 50),
    ("q=task (every task matches)", "q=task", 50),
    ("q=ta (2 letters, a scan)", "q=ta", None),
]
# A first page slower than this (seconds) ends the warm-up: its statement's planning is a rounding error.
SLOW = 1.0
MEMBER_CASES = [("project=3", "project=3", 50)]
PROJECT_TASKS_SEED = {
    "sqlite": SQLITE_SEED.replace("INSERT INTO tasks (owner_id,", "INSERT INTO tasks (project_id, owner_id,")
                         .replace("SELECT :owner,", f"SELECT 1 + i % {PROJECTS}, :owner,"),
    "postgresql": POSTGRES_SEED.replace("INSERT INTO tasks (owner_id,", "INSERT INTO tasks (project_id, owner_id,")
                               .replace("SELECT :owner,", f"SELECT 1 + i % {PROJECTS}, :owner,"),
}


def register(base_url, username):
    """Register ``username`` and return a bearer token."""
    requests.post(f"{base_url}/auth/register", json={"username": username, "password": PASSWORD})
    return requests.post(f"{base_url}/auth/login",
                         json={"username": username, "password": PASSWORD}).json()["access_token"]


def seed(database_url, base_url, count):
    """{caller: token}: ``deep`` with ``count`` personal tasks, ``member`` with ``count`` tasks over 20 projects."""
    tokens = {"deep": register(base_url, "deep"), "member": register(base_url, "member")}
    if seeded(database_url):
        return tokens
    headers = {"Authorization": f"Bearer {tokens['member']}"}
    for number in range(PROJECTS):
        response = requests.post(f"{base_url}/projects", json={"name": f"project {number}"}, headers=headers)
        assert response.status_code == 201, response.text
    engine = create_engine(database_url)
    event.listen(engine, "connect", tune_sqlite_connection)  # the search triggers call casefold()
    dialect = engine.dialect.name
    started = time.perf_counter()
    with engine.begin() as connection:
        personal = SQLITE_SEED if dialect == "sqlite" else POSTGRES_SEED
        connection.execute(text(personal), {"owner": 1, "count": count})
        connection.execute(text(PROJECT_TASKS_SEED[dialect]), {"owner": 2, "count": count})
        connection.execute(RECOUNT_USERS)  # the maintained counts the bulk inserts bypassed
        connection.execute(RECOUNT_PROJECTS)
    with engine.connect() as connection:  # statistics for both planners; PostgreSQL's visibility map too
        if dialect == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE tasks"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()
    engine.dispose()
    print(f"{dialect}: seeded {2 * count:,} tasks in {time.perf_counter() - started:.0f} s", flush=True)
    return tokens


def seeded(database_url):
    """True when a kept database already holds the seed."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT count(*) FROM projects")).scalar_one() >= PROJECTS
    engine.dispose()
    return found


@contextmanager
def database_for(database, scratch, kept_url):
    """``kept_url`` (its PostgreSQL database created when missing), or a fresh database dropped afterwards."""
    if kept_url is None:
        with fresh_database(database, scratch, "search") as url:
            yield url
        return
    if database == "postgres":
        import psycopg

        name = make_url(kept_url).database
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
    yield kept_url


def first_page_ms(session, base_url, token, query, repeat, warm):
    """(median ms, X-Total-Count) of ``repeat`` first pages of GET /tasks?per_page=50&``query``, after ``warm``."""
    url = f"{base_url}/tasks?per_page=50" + (f"&{query}" if query else "")
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(warm):  # the pages read, and each statement prepared and planned as a busy server has it
        started = time.perf_counter()
        session.get(url, headers=headers)
        if time.perf_counter() - started > SLOW:  # planning is not what such a page waits for
            break
    timings, total = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        response = session.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
        total = int(response.headers["X-Total-Count"])
    return round(statistics.median(timings), 1), total


def measure(database, size, repeat, warm, scratch, kept_url=None):
    """[(caller, case, ms, total, target)] for every case on a seeded ``database``."""
    rows = []
    with database_for(database, scratch, kept_url) as url:
        with servers.serve("taskapi", url, workers=2) as (base_url, _):
            tokens = seed(url, base_url, size)
            session = requests.Session()
            for caller, token in tokens.items():
                for label, query, target in CASES + (MEMBER_CASES if caller == "member" else []):
                    ms, total = first_page_ms(session, base_url, token, query, repeat, warm)
                    rows.append((caller, label, ms, total, target))
                    print(database, caller, label, ms, total, flush=True)
    return rows


def heading(warm):
    """What the table measured, and when."""
    return (f"Search and filters at depth ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, 2 cores, "
            f"gunicorn 2 workers, per_page 50, median of first pages after {warm} uncounted, fewer for pages over "
            f"{SLOW:g} s)")


def table_lines(depth):
    """The results table (Markdown lines) of ``depth``: measure_all()'s answer."""
    size = depth["size"]
    lines = [f"`deep` owns {size:,} personal tasks; `member` belongs to {PROJECTS} projects holding {size:,} "
             "tasks between them (both in one database).", "",
             "| database | caller | case | ms | X-Total-Count | target ms | met |", "|---|---|---|---|---|---|---|"]
    for database, rows in depth["rows"].items():
        for caller, label, ms, total, target in rows:
            met = "" if target is None else ("yes" if ms <= target else "**no**")
            lines.append(f"| {database} | {caller} | {label} | {ms} | {total:,} | {target or '-'} | {met} |")
    return lines


def measure_all(databases, size=SIZE, repeat=REPEAT, warm=WARM, kept_urls=None):
    """{"heading", "size", "rows": {database: measure()'s rows}} for each of ``databases`` (fresh ones
    unless ``kept_urls`` names one); writes RESULTS."""
    rows = {}
    with tempfile.TemporaryDirectory() as scratch:
        for database in databases:
            rows[database] = measure(database, size, repeat, warm, scratch, (kept_urls or {}).get(database))
    depth = {"heading": heading(warm), "size": size, "rows": rows}
    RESULTS.write_text("\n".join([f"# {depth['heading']}", "", *table_lines(depth)]) + "\n")
    return depth


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--warm", type=int, default=WARM, help="uncounted first pages before each case")
    parser.add_argument("--sqlite-url", help="a SQLite database to seed once and keep")
    parser.add_argument("--postgres-url", help="a PostgreSQL database to seed once and keep")
    args = parser.parse_args()
    kept_urls = {"sqlite": args.sqlite_url, "postgres": args.postgres_url}
    measure_all(reachable_databases(args.databases), args.size, args.repeat, args.warm, kept_urls)
    print(RESULTS.read_text())


if __name__ == "__main__":
    main()
