"""PostgreSQL: statements whose best plan depends on their parameters are planned for each run.

psycopg prepares a statement on its fifth run on a connection, and after five runs PostgreSQL may
keep one generic plan of a prepared statement for every later run. A search's statements have
one text for every search text, so the plan chosen while broad searches ran served a two-letter
search too, five times slower (bench/README.md, session 16). A connection given the execution
option ``CUSTOM_PLAN`` sends its statements unprepared (psycopg's ``prepare=False``): PostgreSQL
plans each one for its own parameters.
"""

from sqlalchemy.engine import Engine

from taskapi.db.events import listen_once

CUSTOM_PLAN = "taskapi_custom_plan"


def execute_unprepared(cursor, statement, parameters, context):
    """``do_execute``: run a statement on a CUSTOM_PLAN connection without preparing it (psycopg 3, the
    driver taskapi installs; another driver runs it its own way)."""
    if context.execution_options.get(CUSTOM_PLAN) and context.dialect.driver == "psycopg":
        cursor.execute(statement, parameters, prepare=False)
        return True
    return None


def plan_for_parameters(connection):
    """Mark ``connection`` (a request's, until it goes back to the pool) so each statement is planned for its values."""
    connection.execution_options(**{CUSTOM_PLAN: True})


def install_custom_plans():
    """Honour CUSTOM_PLAN on every engine (idempotent)."""
    listen_once(Engine, [("do_execute", execute_unprepared)])
