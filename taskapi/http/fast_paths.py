"""Flask's documented extension points, made cheaper: orjson behind the JSON provider (whose parsing
refuses deep client JSON), no cookie session, and ``ensure_sync`` remembering the functions it has
already found plain.

Each was measured with ``python -m bench.callgrind`` (bench/README.md): the JSON encoding of a
50-task page, Flask's cookie session, which taskapi never uses, and Flask asking ``inspect`` on
every request whether each hook and view is a coroutine function.
"""

import json
from datetime import UTC, date, datetime

import orjson
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SessionInterface

from taskapi.db.reconnect import run_once_more
from taskapi.db.unit_of_work import finish_view
from taskapi.extensions import db
from taskapi.http import shallow_json
from taskapi.http.fields import utc_timestamp

# Datetimes as ISO 8601 to the second with "Z" (taskapi's are UTC; naive ones are taken as UTC) and
# dates as ISO 8601, both written by orjson itself: a listing hands it its rows' timestamps, which
# formatting in Python cost more than the rest of the page's encoding. Dataclasses still go to
# Flask's own ``default`` (asdict).
ORJSON_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS
                  | orjson.OPT_PASSTHROUGH_DATACLASS)


def json_default(value):
    """For the standard library's path: datetimes and dates as orjson writes them, anything else as Flask does."""
    if isinstance(value, datetime):
        return utc_timestamp(value if value.tzinfo else value.replace(tzinfo=UTC))
    if isinstance(value, date):
        return value.isoformat()
    return DefaultJSONProvider.default(value)


def compact_json(document) -> str:
    """``document`` as compact UTF-8 JSON in its own key order, anything else through ``str()`` (orjson first)."""
    try:
        return orjson.dumps(document, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()
    except TypeError:  # a lone surrogate or an integer over 64 bits: escaped, every sink can write it
        return json.dumps(document, separators=(",", ":"), default=str)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's default provider with orjson encoding compact output: keys sorted as before, datetimes in UTC.

    Anything orjson refuses (a lone surrogate, an integer over 64 bits, indentation asked for)
    takes the standard library path, so what encoded before still encodes. Non-ASCII text is
    sent as UTF-8 rather than ``\\u`` escapes: the same JSON. Parsing stays on the standard library,
    behind the depth check of ``shallow_json``: every ``request.get_json()``, silent or not, refuses
    client JSON nested too deeply (a ValueError, so a 400, or None when silent) before it decodes.
    """

    default = staticmethod(json_default)

    def loads(self, s, **kwargs):
        return shallow_json.loads(s, **kwargs)

    def dumps(self, obj, **kwargs):
        if not kwargs or kwargs == {"separators": (",", ":")}:
            try:
                return orjson.dumps(obj, default=self.default, option=ORJSON_OPTIONS).decode()
            except TypeError:  # orjson.JSONEncodeError: fall back rather than fail
                pass
        return super().dumps(obj, **kwargs)

    def response(self, *args, **kwargs):
        if args and kwargs:
            raise TypeError("jsonify() behavior undefined when passed both args and kwargs")
        obj = (args[0] if len(args) == 1 else list(args)) if args else (kwargs or None)
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(obj)
        try:
            body = orjson.dumps(obj, default=self.default, option=ORJSON_OPTIONS | orjson.OPT_APPEND_NEWLINE)
        except TypeError:
            return super().response(obj)
        return self._app.response_class(body, mimetype=self.mimetype)


class NoSessionInterface(SessionInterface):
    """No cookie session: taskapi authenticates with bearer tokens and never stores ``flask.session``.

    ``make_null_session`` still gives views a usable (empty, unsaved) session object.
    """

    def open_session(self, app, request):
        return None  # Flask then uses make_null_session()

    def save_session(self, app, session, response):
        return None


class TaskApiFlask(Flask):
    """Flask with the orjson provider, no cookie session, an ``ensure_sync`` that remembers plain functions,
    views run once more after a lost database connection (``taskapi/db/reconnect.py``), and one commit
    when a view succeeded (``taskapi/db/unit_of_work.py``).

    The first two are Flask's documented class attributes. ``ensure_sync`` is the method Flask
    documents for overriding: it is called for every hook and view of every request, about a dozen
    times, and each call asks ``inspect`` again. A function found plain once stays plain. A method
    is remembered by its function, because a MethodView's handler is a new bound method on every
    request.
    """

    json_provider_class = OrjsonProvider
    session_interface = NoSessionInterface()
    PLAIN_FUNCTIONS_KEPT = 4096  # far more than the app has hooks and views: never a growing cache

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plain_functions = set()

    def ensure_sync(self, func):
        key = getattr(func, "__func__", func)
        if key in self.plain_functions:
            return func
        synchronous = super().ensure_sync(func)
        if synchronous is func and len(self.plain_functions) < self.PLAIN_FUNCTIONS_KEPT:
            self.plain_functions.add(key)
        return synchronous

    def dispatch_request(self):
        # Inside full_dispatch_request: before-request hooks run once, and error handlers see a second
        # failure or a failed commit (taskapi/db/unit_of_work.py) like any failure of the view.
        response = self.make_response(run_once_more(super().dispatch_request, db.session))
        return finish_view(response, db.session)
