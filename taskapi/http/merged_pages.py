"""Paging over several disjoint queries at once, and over candidates sorted after they are found.

The same ``Pages`` engine (taskapi/http/pagination.py) with other statements: a member's listing
reads each part (personal tasks, each project's) from its own index range in order and merges
them; a search with few matches sorts its candidates rather than walking the sort order's index.
"""

from sqlalchemy import Integer, bindparam, select, union_all
from sqlalchemy.sql.util import ClauseAdapter

from taskapi.http.pagination import Page, Pages


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
