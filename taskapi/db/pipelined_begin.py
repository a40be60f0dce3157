"""PostgreSQL: a writing request's BEGIN travels with its first statement, in one round trip.

psycopg opens a transaction by sending ``BEGIN`` and waiting for its answer before the first
statement, even in pipeline mode, so a create cost four round trips: BEGIN, the session check,
the insert and COMMIT. A writing request's engine (``pipelined_begin_engine``, made once per
engine by taskapi/db/request_session.py) instead runs psycopg in autocommit mode, where psycopg
sends no BEGIN of its own, and these listeners send it: before the transaction's first statement
they enter psycopg's pipeline mode and queue ``BEGIN``; after it, they leave pipeline mode, which
sends both and waits once. From then on the connection is in an ordinary server-side transaction:
SQLAlchemy's commit and rollback call psycopg's, which send COMMIT or ROLLBACK because a
transaction is open. An error in either statement is raised by leaving the pipeline, inside
SQLAlchemy's execution (after_cursor_execute), so it is wrapped and handled as the statement's
own, disconnects (taskapi/db/reconnect.py) included.
"""

from contextlib import ExitStack

from sqlalchemy import event

PIPELINE = "taskapi_begin_pipeline"  # the open pipeline, on the statement's execution context


def begin_with_statement(conn, cursor, statement, parameters, context, executemany):
    """``before_cursor_execute``: outside a transaction, queue BEGIN ahead of this statement."""
    raw = conn.connection.dbapi_connection
    if raw.info.transaction_status.name != "IDLE":  # psycopg is imported only by a PostgreSQL app
        return
    if executemany:  # psycopg pipelines executemany itself, syncing first: BEGIN goes alone
        raw.execute("BEGIN")
        return
    stack = ExitStack()
    stack.enter_context(raw.pipeline())
    setattr(context, PIPELINE, stack)
    raw.execute("BEGIN")


def send_pipeline(conn, cursor, statement, parameters, context, executemany):
    """``after_cursor_execute``: send BEGIN and the statement, and take both answers (raising the first error)."""
    stack = getattr(context, PIPELINE, None)
    if stack is not None:
        delattr(context, PIPELINE)
        stack.close()


def abandon_pipeline(exception_context):
    """``handle_error``: a statement that failed before it was queued still leaves pipeline mode."""
    context = exception_context.execution_context
    stack = getattr(context, PIPELINE, None)
    if stack is not None:
        delattr(context, PIPELINE)
        error = exception_context.original_exception
        stack.__exit__(type(error), error, error.__traceback__)


def pipelined_begin_engine(engine):
    """A new twin of ``engine`` in psycopg's autocommit mode, with BEGIN sent by the listeners above."""
    twin = engine.execution_options(isolation_level="AUTOCOMMIT")
    event.listen(twin, "before_cursor_execute", begin_with_statement)
    event.listen(twin, "after_cursor_execute", send_pipeline)
    event.listen(twin, "handle_error", abandon_pipeline)
    return twin
