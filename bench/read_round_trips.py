"""Round trips on PostgreSQL, and reads with and without a transaction: ``python -m bench.read_round_trips``.

In-process (Flask's test client), prod-like, on a throwaway PostgreSQL database with one user and
50 tasks: the round trips psycopg makes for one ``GET /tasks?per_page=50`` and for one
``POST /tasks`` once warm (a libpq trace of each), then
ROUNDS alternating rounds of REQUESTS sequential lists each way, wall and CPU milliseconds per
list. "without" is today's path (taskapi/db/request_session.py); "with" binds every request to
the transactional engine, as before that module.
"""

import argparse
import logging
import statistics
import tempfile
import time
from contextlib import contextmanager

from bench.databases import drop_postgres, fresh_postgres_url, postgres_available
from bench.inprocess import PROD_LIKE, seeded_client
from config import Config

ROUNDS, REQUESTS, WARMUP = 8, 300, 50
LIST = "/tasks?per_page=50"
CREATE = {"title": "traced", "description": "some words"}


def read(client, headers):
    """One list of 50."""
    return client.get(LIST, headers=headers)


def create(client, headers):
    """One task created."""
    return client.post("/tasks", json=CREATE, headers=headers)


def traced_round_trips(client, headers, engine, request=read):
    """What psycopg sends for one ``request``, one entry per round trip (a Query, or a Parse/Bind... up to Sync)."""
    for _ in range(WARMUP):  # steady state: psycopg prepares a statement after its fifth use
        request(client, headers)
    with engine.connect() as connection:  # the pooled connection the next request checks out
        raw = connection.connection.dbapi_connection
    with tempfile.TemporaryFile("w+") as trace:
        raw.pgconn.trace(trace.fileno())
        request(client, headers)
        raw.pgconn.untrace()
        trace.seek(0)
        messages = [line.rstrip("\n").split("\t") for line in trace]
    trips, current = [], []
    for fields in messages:
        if len(fields) < 4 or fields[1] != "F" or fields[3] in ("Describe", "Execute", "Flush"):
            continue
        kind, detail = fields[3], fields[4].strip() if len(fields) > 4 else ""
        if kind == "Query":
            trips.append(f"Query {detail[:60]}")
        elif kind == "Sync":
            trips.append(" + ".join(current) or "Sync")
            current = []
        elif kind == "Bind":  # the statement's name only: never the parameters (a session id is one)
            current.append(f"Bind {detail.split(' ')[1] if ' ' in detail else ''}".strip())
        else:
            current.append(f"{kind} {detail[:60]}".strip())
    return trips


# Issue #32: at most this many round trips per request on PostgreSQL.
TARGETS = {"read": 2, "create": 3}


@contextmanager
def traced_client():
    """(client, headers, engine) on a throwaway PostgreSQL database, prod-like, one pooled connection."""
    from taskapi.extensions import db

    url, name = fresh_postgres_url()
    try:
        # One pooled connection, so that the traced connection is the one the request uses.
        one_connection = {**Config.SQLALCHEMY_ENGINE_OPTIONS, "pool_size": 1}
        settings = {**PROD_LIKE, "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": one_connection}
        with seeded_client(**settings) as (client, headers):
            with client.application.app_context():
                engine = db.engine
            yield client, headers, engine
            with client.application.app_context():
                db.session.remove()
                engine.dispose()
    finally:
        drop_postgres(name)


def round_trips():
    """{"read": [trip], "create": [trip]}: what one warm list of 50 and one create send to PostgreSQL."""
    logging.disable(logging.INFO)  # the requests' access log lines: nothing this report reads
    try:
        with traced_client() as (client, headers, engine):
            return {request.__name__: traced_round_trips(client, headers, engine, request)
                    for request in (read, create)}
    finally:
        logging.disable(logging.NOTSET)


def print_trips(label, trips):
    print(f"{label}: {len(trips)} round trips")
    for trip in trips:
        print(f"    {trip}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="timed rounds (0: the traces only)")
    rounds = parser.parse_args().rounds
    if not postgres_available():
        raise SystemExit("PostgreSQL is not answering on 127.0.0.1:5432")
    from taskapi.db import request_session

    without_transaction = request_session.reads_without_transaction
    variants = {"without a transaction": without_transaction, "in a transaction": lambda engine: False}
    try:
        with traced_client() as (client, headers, engine):
            for request in (read, create):
                print_trips(request.__doc__[:-1].lower(), traced_round_trips(client, headers, engine, request))
            timings = {variant: [] for variant in variants}
            for variant, decide in variants.items():
                request_session.reads_without_transaction = decide
                print_trips(f"a list {variant}", traced_round_trips(client, headers, engine))
            for number in range(rounds):
                order = list(variants) if number % 2 == 0 else list(reversed(variants))
                for variant in order:
                    request_session.reads_without_transaction = variants[variant]
                    for _ in range(WARMUP):
                        client.get(LIST, headers=headers)
                    wall, cpu = time.perf_counter(), time.process_time()
                    for _ in range(REQUESTS):
                        client.get(LIST, headers=headers)
                    timings[variant].append(((time.perf_counter() - wall) * 1000 / REQUESTS,
                                             (time.process_time() - cpu) * 1000 / REQUESTS))
            for variant, figures in timings.items() if rounds else ():
                print(f"{variant:<22} wall {statistics.median(w for w, _ in figures):.2f} ms, "
                      f"CPU {statistics.median(c for _, c in figures):.2f} ms per list "
                      f"(medians of {rounds} rounds of {REQUESTS})")
    finally:
        request_session.reads_without_transaction = without_transaction


if __name__ == "__main__":
    main()
