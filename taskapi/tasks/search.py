"""GET /tasks?q=: a case-insensitive substring of title or description, narrowed by each database's trigram index."""

from sqlalchemy import and_, column, func, or_, select, table

from taskapi.db.engine import escape_like
from taskapi.extensions import db
from taskapi.models import Task

# The SQLite trigram index (migration 0018_search): FTS5 over each task's case-folded title and description.
TASKS_SEARCH = table("tasks_search", column("rowid"), column("tasks_search"))
# A trigram index answers only for three characters or more; shorter searches read every visible row.
TRIGRAM = 3


def search_condition(text):
    """Title or description contains ``text``, ignoring case (Unicode-aware on both databases).

    Each database's trigram index (SQLite FTS5, PostgreSQL pg_trgm) narrows the rows; the
    case-folded LIKE decides, so what matches never depends on the index.
    """
    folded = text.casefold()
    pattern = f"%{escape_like(folded)}%"
    if db.engine.dialect.name != "sqlite":  # ILIKE uses the pg_trgm GIN indexes itself
        return or_(Task.title.ilike(pattern, escape="\\"), Task.description.ilike(pattern, escape="\\"))
    # SQLite's lower() folds ASCII only; taskapi registers a Unicode casefold() on each connection.
    fold = func.casefold
    exact = or_(fold(Task.title).like(pattern, escape="\\"), fold(Task.description).like(pattern, escape="\\"))
    if len(folded) < TRIGRAM:
        return exact
    phrase = '"' + folded.replace('"', '""') + '"'  # one FTS5 string: every character stands for itself
    candidates = select(TASKS_SEARCH.c.rowid).where(TASKS_SEARCH.c.tasks_search.match(phrase))
    return and_(Task.id.in_(candidates), exact)
