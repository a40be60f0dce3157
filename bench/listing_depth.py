"""Listing at depth: one user owning 10, 10,000 and 1,000,000 tasks (seeded with bulk SQL).

Reports first-page GET /tasks throughput (wrk, 8 connections) at each size, and the mean time
per page while following ``Link: rel="next"`` from the first page to the last (per_page=100),
comparing the first 100 pages with the last 100. Usage: ``python -m bench.listing_depth
[--sizes 10,10000,1000000] [--databases sqlite,postgres] [--seconds 5]``.
"""

import argparse
import json
import statistics
import tempfile
import time

import requests
from sqlalchemy import create_engine, text

from bench import servers, wrk
from bench.databases import fresh_database, reachable_databases
from tests.links import parse_links

PASSWORD = "depth benchmark passphrase"
SQLITE_SEED = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO tasks (owner_id, title, description, completed, priority, due_date, created_at, updated_at, version)
SELECT :owner, 'task ' || i, NULL, i % 3 = 0, i % 3, NULL,
       datetime('2026-01-01', '+' || i || ' seconds') || '.000000',
       datetime('2026-01-01', '+' || i || ' seconds') || '.000000', 1
FROM n
"""
POSTGRES_SEED = """
INSERT INTO tasks (owner_id, title, description, completed, priority, due_date, created_at, updated_at, version)
SELECT :owner, 'task ' || i, NULL, i % 3 = 0, i % 3, NULL,
       timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second',
       timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second', 1
FROM generate_series(1, :count) AS i
"""

# The maintained counts (taskapi/models/tasks.py TASK_COUNTS) that the bulk insert bypasses, recounted.
COUNTED = {"task_count": "true", "completed_task_count": "completed = true", "low_task_count": "priority = 0",
           "normal_task_count": "priority = 1", "high_task_count": "priority = 2"}


def recount(table, owned):
    """UPDATE ``table`` setting every maintained count to a count of its tasks (``owned``: which are its)."""
    counts = ", ".join(f"{column} = (SELECT count(*) FROM tasks WHERE {owned} AND {condition})"
                       for column, condition in COUNTED.items())
    return text(f"UPDATE {table} SET {counts}")


RECOUNT_USERS = recount("users", "tasks.owner_id = users.id AND tasks.project_id IS NULL")
RECOUNT_PROJECTS = recount("projects", "tasks.project_id = projects.id")


def seed(database_url, count):
    """Bulk-insert ``count`` tasks for user 1 and set its maintained counts, in one transaction."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        statement = SQLITE_SEED if engine.dialect.name == "sqlite" else POSTGRES_SEED
        connection.execute(text(statement), {"owner": 1, "count": count})
        connection.execute(RECOUNT_USERS)
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE tasks"))
    engine.dispose()


def walk_all_pages(base_url, token):
    """Seconds per page while following next links to the end: (first 100 mean, last 100 mean, pages)."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    url, timings = f"{base_url}/tasks?per_page=100", []
    while url:
        started = time.perf_counter()
        response = session.get(url, headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
        next_path = parse_links(response.headers["Link"]).get("next")
        url = f"{base_url}{next_path}" if next_path else None
    return (round(statistics.mean(timings[:100]) * 1000, 2), round(statistics.mean(timings[-100:]) * 1000, 2),
            len(timings))


def measure(database, sizes, seconds, scratch):
    results = {}
    for size in sizes:
        with fresh_database(database, scratch, f"depth-{size}") as url:
            with servers.serve("taskapi", url) as (base_url, _):
                requests.post(f"{base_url}/auth/register", json={"username": "deep", "password": PASSWORD})
                seed(url, size)
                token = requests.post(f"{base_url}/auth/login",
                                      json={"username": "deep", "password": PASSWORD}).json()["access_token"]
                first_page = wrk.run(base_url, "list", "/tasks", [token], ["deep"], seconds=seconds, connections=8)
                first_ms, last_ms, pages = walk_all_pages(base_url, token)
        results[size] = {"first_page_rps": first_page["rps"], "first_page_p99_ms": first_page["p99_ms"],
                         "walk_first_100_pages_ms": first_ms, "walk_last_100_pages_ms": last_ms,
                         "pages_walked": pages}
        print(database, size, results[size], flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,10000,1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    report = {}
    with tempfile.TemporaryDirectory() as scratch:
        for database in reachable_databases(args.databases):
            report[database] = measure(database, sizes, args.seconds, scratch)
    for database, rows in report.items():
        smallest, largest = rows[min(rows)], rows[max(rows)]
        ratio = largest["first_page_rps"] / smallest["first_page_rps"]
        print(f"{database}: first page at {max(rows):,} tasks = {ratio:.2f}x the rate at {min(rows):,} (target >= 0.7)")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
