"""GET /tasks?q=: a case-insensitive substring of title or description, found through each database's
trigram index, and the page of those matches."""

from sqlalchemy import column, func, literal_column, or_, table

from taskapi.db.custom_plans import plan_for_parameters
from taskapi.db.engine import escape_like
from taskapi.extensions import db
from taskapi.http.merged_pages import CandidatePages, CountedPages
from taskapi.http.pagination import Page, fetch_page
from taskapi.models import Task
from taskapi.tasks.scope_pages import page_of_parts

# The SQLite trigram index (migration 0018_search): FTS5 over each task's case-folded title and description.
TASKS_SEARCH = table("tasks_search", column("rowid"), column("tasks_search"))
# A trigram index answers only for three characters or more; shorter searches read every visible row.
TRIGRAM = 3
# Up to this many matches a search's page sorts its candidates; beyond, reading the sort order's index
# meets a page of matches soon.
FEW_MATCHES = 50_000


def searched(rows, text):
    """``rows`` (a select of tasks) narrowed to tasks whose title or description contains ``text``,
    ignoring case (Unicode-aware on both databases).

    PostgreSQL narrows ILIKE's rows through its pg_trgm GIN indexes by itself and rechecks each.
    On SQLite, three characters or more are one FTS5 phrase over the case-folded text, which the
    trigram tokenizer answers exactly (a run of consecutive trigrams is the substring itself), so
    no row is rechecked; shorter texts scan. The phrase's matches are joined in FROM and drive the
    statement: a LIMIT stops reading them, where ``IN (matches)`` listed every one first, and a
    scope that folds to false leaves the join in place (a join condition in WHERE went with it).
    """
    folded = text.casefold()
    if db.engine.dialect.name != "sqlite" or len(folded) < TRIGRAM:
        return rows.where(scan_condition(text))
    phrase = '"' + folded.replace('"', '""') + '"'  # one FTS5 string: every character stands for itself
    # "+ 0": SQLite may not look the FTS5 table up by rowid once per task, so its matches lead.
    matches = Task.id == TASKS_SEARCH.c.rowid + literal_column("0")
    return rows.join_from(Task.__table__, TASKS_SEARCH, matches).where(TASKS_SEARCH.c.tasks_search.match(phrase))


def scan_condition(text):
    """searched()'s test of each row's own text: the meaning the indexes must keep."""
    pattern = f"%{escape_like(text.casefold())}%"
    if db.engine.dialect.name != "sqlite":
        return or_(Task.title.ilike(pattern, escape="\\"), Task.description.ilike(pattern, escape="\\"))
    # SQLite's lower() folds ASCII only; taskapi registers a Unicode casefold() on each connection.
    fold = func.casefold
    return or_(fold(Task.title).like(pattern, escape="\\"), fold(Task.description).like(pattern, escape="\\"))


def search_page(task_row, parts, filters, text, sort_key, args, row_values) -> Page:
    """The Page of ``task_row``'s rows in any of the disjoint ``parts`` that match ``filters`` and
    contain ``text``, with their total.

    A page by number of at most FEW_MATCHES matches: one statement finds, counts and sorts them.
    Otherwise a count, then (PostgreSQL, few matches) the candidates sorted. Many matches lie dense
    in every sort order: each part's index read in order, each row's own text tested, fills a page
    long before the text index's matches could all be sorted (SQLite reads them in rowid order, and
    PostgreSQL cannot read the OR of a member's parts in order). Each statement is planned for its
    search text.
    """
    plan_for_parameters(db.session.connection())
    query = searched(task_row.where(or_(*parts), *filters), text)
    page = CountedPages(query, FEW_MATCHES).fetch_counted(db.session, sort_key, args, row_values)
    if page is not None:
        return page
    total = db.session.execute(query.with_only_columns(func.count(), maintain_column_froms=True)).scalar_one()
    if total > FEW_MATCHES:
        return page_of_parts(task_row, parts, [*filters, scan_condition(text)], sort_key, args, total, row_values)
    if db.engine.dialect.name == "postgresql":
        return CandidatePages(query).fetch(db.session, sort_key, args, total, row_values)
    return fetch_page(db.session, query, sort_key, args, total, row_values)
