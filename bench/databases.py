"""The databases a benchmark runs on: PostgreSQL when it answers on loopback, throwaway databases per run."""

import socket
import uuid
from contextlib import contextmanager

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_available():
    """True when PostgreSQL listens on 127.0.0.1:5432."""
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", 5432)) == 0


def reachable_databases(names):
    """The databases of the comma list ``names`` that can run here: postgres only when it answers."""
    databases = names.split(",")
    if "postgres" in databases and not postgres_available():
        print("PostgreSQL not reachable: skipped")
        databases.remove("postgres")
    return databases


def fresh_postgres_url():
    """A throwaway PostgreSQL database for one run."""
    import psycopg

    name = f"taskapi_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name


def drop_postgres(name):
    """Drop database ``name``, closing its connections."""
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(database, scratch, label):
    """The URL of a new database for the block: PostgreSQL (dropped afterwards) or a SQLite file in ``scratch``."""
    if database != "postgres":
        yield f"sqlite:///{scratch}/{label}-{uuid.uuid4().hex[:6]}.sqlite"
        return
    url, name = fresh_postgres_url()  # the peer takes the same psycopg URL
    try:
        yield url
    finally:
        drop_postgres(name)
