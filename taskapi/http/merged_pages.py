"""Paging over several disjoint queries at once, and over candidates sorted after they are found.

The same ``Pages`` engine (taskapi/http/pagination.py) with other statements: a member's listing
reads each part (personal tasks, each project's) from its own index range in order and merges
them; a search with few matches sorts its candidates rather than walking the sort order's index,
and counts them in the same statement.
"""

from sqlalchemy import Integer, bindparam, func, select, union_all
from sqlalchemy.sql.util import ClauseAdapter

from taskapi.http.pagination import Page, Pages, encode_cursor


def literal(name):
    """A bind parameter written into the SQL at execution: PostgreSQL then plans a known LIMIT, and
    keeps a generic plan of the prepared statement rather than planning 21 parts every time."""
    return bindparam(name, type_=Integer, literal_execute=True)


class MergedPages(Pages):
    """Pages of the union of disjoint ``queries``: each part's own first rows, merged in order.

    A database walks one index range in order per part and stops after a page; the OR of the parts
    (a member's personal tasks and each project's) can only be read whole and sorted.
    """

    def __init__(self, queries):
        super().__init__(None, plain_rows=True)
        self.queries = queries

    def statement(self, sort_key, after_cursor):
        key = (sort_key.name, after_cursor)
        if key not in self._statements:
            # Each part gives the rows up to the end of the page (``depth``: offset + limit, or limit after a cursor).
            ordered = [query.order_by(*sort_key.order_by()).limit(literal("depth")) for query in self.queries]
            if after_cursor:
                ordered = [query.where(sort_key.after_parameters()) for query in ordered]
            merged = union_all(*(query.subquery().select() for query in ordered)).subquery()
            adapter = ClauseAdapter(merged)
            page = select(merged).order_by(*(adapter.traverse(order) for order in sort_key.order_by()))
            self._statements[key] = page.limit(literal("limit")).offset(literal("offset"))
        return self._statements[key]

    def fetch(self, session, sort_key, args, total, row_values, **parameters) -> Page:
        offset = 0 if args.get("cursor") else (args["page"] - 1) * args["per_page"]
        return super().fetch(session, sort_key, args, total, row_values, depth=offset + args["per_page"],
                             **({"offset": 0} if args.get("cursor") else {}), **parameters)


class CandidatePages(MergedPages):
    """Pages of one query whose rows are found first and sorted after (its subquery is an OFFSET 0 fence).

    For a search with few matches: without the fence PostgreSQL walks the sort order's index and
    tests every row until a page is full, rather than sorting the trigram index's candidates.
    """

    def __init__(self, query):
        super().__init__([query])

    def statement(self, sort_key, after_cursor):
        key = (sort_key.name, after_cursor)
        if key not in self._statements:
            query = self.queries[0].where(sort_key.after_parameters()) if after_cursor else self.queries[0]
            found = query.offset(0).subquery()
            adapter = ClauseAdapter(found)
            page = select(found).order_by(*(adapter.traverse(order) for order in sort_key.order_by()))
            self._statements[key] = page.limit(bindparam("limit")).offset(bindparam("offset"))
        return self._statements[key]


class CountedPages(Pages):
    """A page by number of one query and the query's row count, from one statement; for a search.

    Counting and paging separately read every match twice (the index's candidates, each rechecked).
    Here at most ``cap`` + 1 matches are found (the LIMIT is also PostgreSQL's fence, as in
    CandidatePages), counted by a window and sorted once, on their sort values alone; only the
    page's rows are then read whole, by the sort key's last expression (a unique column).
    """

    def __init__(self, query, cap):
        super().__init__(query, plain_rows=True)
        self.cap = cap

    def statement(self, sort_key, after_cursor):
        if sort_key.name not in self._statements:
            values = [expression.label(f"sort_{number}") for number, expression in enumerate(sort_key.expressions)]
            found = self.query.with_only_columns(*values).limit(literal("found_cap")).subquery()
            ranked = select(found, func.count().over().label("found_total")).order_by(*sort_key.order_by(found.c))
            ranked = ranked.limit(bindparam("limit")).offset(bindparam("offset")).subquery()
            unique = sort_key.expressions[-1]
            page = select(*self.query.selected_columns, ranked.c.found_total).join_from(
                ranked, unique.table, unique == ranked.c[values[-1].name])
            self._statements[sort_key.name] = page.order_by(*sort_key.order_by(ranked.c[:-1]))
        return self._statements[sort_key.name]

    def fetch_counted(self, session, sort_key, args, row_values) -> Page | None:
        """The Page ``args`` asks for by number, with its total; None when one statement cannot tell
        (a cursor, more than ``cap`` rows, or no row at this offset)."""
        if args.get("cursor"):
            return None
        page, per_page = args["page"], args["per_page"]
        parameters = {"limit": per_page, "offset": (page - 1) * per_page, "found_cap": self.cap + 1}
        rows = session.connection().execute(self.statement(sort_key, False), parameters).all()
        if not rows:
            return Page([], 0, page, per_page, None) if page == 1 else None
        total = rows[0].found_total
        if total > self.cap:  # the rows found were cut short: this page is not the listing's
            return None
        next_cursor = encode_cursor(sort_key, row_values(rows[-1])) if len(rows) == per_page else None
        return Page([row[:-1] for row in rows], total, page, per_page, next_cursor)
