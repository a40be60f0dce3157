"""Paging whose metadata travels in headers: X-Total-Count and an RFC 8288 Link header.

One engine (``Pages``) fetches a page; one decorator (``paged``) turns a view's ``(body, Page)``
into the answer with those headers and declares them in /openapi.json.

``page`` jumps directly (OFFSET); every ``next`` link carries an opaque keyset ``cursor`` instead,
so following ``next`` to the last page costs the same per page as the first.
"""

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import wraps
from urllib.parse import urlencode

from flask import request
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import bindparam, tuple_

from taskapi.http import shallow_json
from taskapi.http.contract import documents, headers
from taskapi.http.hosts import external_url
from taskapi.http.parsing import UNSAFE_TEXT

# A cursor holds only what encode_cursor wrote: integers a database column can hold, UTC timestamps,
# dates and storable text; anything else would fail in the query (a 500), so it is refused first.
INT64 = range(-(2**63), 2**63)
# The characters werkzeug's url_for leaves unescaped in a query string (after the WHATWG URL spec).
QUERY_SAFE = "!$'()*,/:;?@"


class PageArgsSchema(Schema):
    """Query parameters shared by every paged listing."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(load_default=None, validate=validate.Length(max=512),
                           metadata={"description": "Opaque position from a Link rel=next; overrides page"})


class SortKey:
    """One sort order: SQL expressions (the last is a unique tie-breaker) and their direction."""

    def __init__(self, name, *expressions, descending=False, value_types=()):
        self.name = name
        self.expressions = expressions
        self.descending = descending
        self.value_types = value_types  # how to decode each cursor value

    def order_by(self, expressions=None):
        """ORDER BY clauses in this direction, over its own expressions or ``expressions`` standing for them."""
        return [expression.desc() if self.descending else expression.asc()
                for expression in (self.expressions if expressions is None else expressions)]

    def after_parameters(self):
        """Rows strictly after parameters ``after_0``, ``after_1``... in this order (a row-value comparison)."""
        position = tuple_(*self.expressions)
        bound = tuple_(*(bindparam(f"after_{number}", type_=expression.type)
                         for number, expression in enumerate(self.expressions)))
        return position < bound if self.descending else position > bound


def encode_cursor(sort_key, values):
    """An opaque URL-safe cursor for the row holding ``values``."""
    plain = [value.isoformat() if isinstance(value, date | datetime) else value for value in values]
    raw = json.dumps({"s": sort_key.name, "v": plain}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor, sort_key):
    """The values inside a cursor made for ``sort_key``.

    :raises 422: a cursor that is malformed, tampered with, or made for another sort order
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        content = shallow_json.loads(raw)
        if not (isinstance(content, dict) and content.keys() == {"s", "v"} and content["s"] == sort_key.name
                and isinstance(content["v"], list) and len(content["v"]) == len(sort_key.value_types)):
            raise ValueError("cursor does not match this listing")
        return [decode_value(kind, value) for kind, value in zip(sort_key.value_types, content["v"], strict=True)]
    except (ValueError, TypeError, binascii.Error):  # JSON and UTF-8 errors are ValueErrors
        abort(422, message="Invalid cursor: use the Link header's next URL as given.",
              errors={"cursor": ["Invalid cursor."]})


def decode_value(kind, value):
    """One cursor value, if it is what encode_cursor writes for ``kind``.

    :raises TypeError, ValueError: anything else
    """
    if kind in (date, datetime):
        if not isinstance(value, str):
            raise TypeError("a date in a cursor is an ISO 8601 string")
        parsed = kind.fromisoformat(value)
        if kind is datetime and parsed.utcoffset() != timedelta(0):
            raise ValueError("a timestamp in a cursor is in UTC")
        return parsed
    if kind is int and isinstance(value, int) and not isinstance(value, bool) and value in INT64:
        return value
    if kind is str and isinstance(value, str) and not UNSAFE_TEXT.search(value):
        return value
    raise TypeError("unexpected cursor value")


@dataclass
class Page:
    """One page of a listing: its rows, and where it stands in the whole (``paged`` makes the headers of it)."""

    rows: list
    total: int
    page: int | None  # None when the page was reached through a cursor
    per_page: int
    next_cursor: str | None


class Pages:
    """The one paging engine: pages of ``query`` (already filtered), by OFFSET or after a cursor.

    Each sort order's page statement is built with bind parameters (``limit``, ``offset`` or
    ``after_0``...), once per instance: a module-level ``Pages`` over a query with its own bind
    parameters (``owner_id``) serves every request without rebuilding. ``plain_rows`` runs on the
    session's connection, which returns rows without the ORM's per-statement work; otherwise an
    entity query (``select(User)``) gives entities.
    """

    def __init__(self, query, plain_rows=False):
        self.query = query
        self.plain_rows = plain_rows
        self._statements = {}

    def statement(self, sort_key, after_cursor):
        key = (sort_key.name, after_cursor)
        if key not in self._statements:
            ordered = self.query.order_by(*sort_key.order_by()).limit(bindparam("limit"))
            ordered = ordered.where(sort_key.after_parameters()) if after_cursor else ordered.offset(
                bindparam("offset"))
            self._statements[key] = ordered  # a race builds the same statement twice: harmless
        return self._statements[key]

    def fetch(self, session, sort_key, args, total, row_values, **parameters) -> Page:
        """The page ``args`` asks for, with ``parameters`` bound into the query.

        ``total`` is the row count for X-Total-Count; ``row_values(row)`` gives a row's sort values.
        """
        per_page = args["per_page"]
        parameters["limit"] = per_page
        if args.get("cursor"):
            values = decode_cursor(args["cursor"], sort_key)
            parameters.update((f"after_{number}", value) for number, value in enumerate(values))
            page = None
        else:
            page = args["page"]
            parameters["offset"] = (page - 1) * per_page
        statement = self.statement(sort_key, page is None)
        if self.plain_rows:
            rows = session.connection().execute(statement, parameters).all()
        else:
            result = session.execute(statement, parameters)
            rows = (result.scalars() if len(result.keys()) == 1 else result).all()
        next_cursor = encode_cursor(sort_key, row_values(rows[-1])) if len(rows) == per_page else None
        return Page(rows, total, page, per_page, next_cursor)


def fetch_page(session, query, sort_key, args, total, row_values) -> Page:
    """One page of a query built for this request (its filters vary), by the one engine."""
    return Pages(query).fetch(session, sort_key, args, total, row_values)


def paged(view):
    """Answer a listing view's ``(body, Page)`` as a 200 with the paging headers; document them."""
    @wraps(view)
    def listing(*args, **kwargs):
        body, page = view(*args, **kwargs)
        return body, 200, paging_headers(page.total, page.page, page.per_page, page.next_cursor)

    return documents(responses={200: {"headers": headers("X-Total-Count", "Link")}})(listing)


def paging_headers(total, page, per_page, next_cursor):
    """``X-Total-Count`` and a ``Link`` header with first, prev (page mode), next, last."""
    last = max(1, math.ceil(total / per_page))
    links = [("first", {"page": 1}), ("last", {"page": last})]
    if page is not None and page > 1:
        links.append(("prev", {"page": min(page - 1, last)}))
    if next_cursor and (page is None or page < last):
        links.append(("next", {"cursor": next_cursor}))
    url = listing_url_maker()
    header = ", ".join(f'<{url(**params)}>; rel="{rel}"' for rel, params in links)
    return {"X-Total-Count": str(total), "Link": header}


def listing_url_maker():
    """A function giving the current request's absolute URL with ``page``/``cursor`` replaced, other parameters kept.

    Built from the request's own URL, not url_for: a parameter named like one of url_for's own
    keywords (``_external``, ``_anchor``...) must stay a parameter, and a view_arg_loader may have
    replaced the URL's arguments (``user_id`` by ``user``) before the view runs. The parts every
    link shares are read once.
    """
    current = request._get_current_object()
    kept = [(name, value) for name, value in current.args.items(multi=True) if name not in ("page", "cursor")]
    base = external_url(f"{current.script_root}{current.path}?")

    def url(**params):
        return base + urlencode(kept + [(name, str(value)) for name, value in params.items()], safe=QUERY_SAFE)

    return url
