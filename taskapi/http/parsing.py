"""Strict request input: JSON only where JSON is expected, no duplicate keys, only storable text anywhere."""

import re
import threading

from flask import request
from webargs.core import missing
from webargs.flaskparser import FlaskParser, abort

from taskapi.http import shallow_json

JSON_MIMETYPES = {"application/json"}
# NUL and unpaired surrogates: valid JSON escapes, but no database can store them as text.
UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")


def peek_json_string(name):
    """Member ``name`` of a JSON object body if it is a string, else None, read before the body is parsed.

    For what must be known first (a credential, a rate-limit key); the parser still validates the body.
    """
    body = request.get_json(silent=True) if request.is_json else None
    value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


class DuplicateKeyError(ValueError):
    """A JSON object named the same member twice."""


def reject_duplicate_keys(pairs):
    """json object_pairs_hook: refuse {"a": 1, "a": 2} instead of silently keeping the last."""
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKeyError(key)
        seen[key] = value
    return seen


def unsafe_text_paths(value, path="body"):
    """Paths of every string (key or value) holding NUL or an unpaired surrogate."""
    if isinstance(value, str):
        return [path] if UNSAFE_TEXT.search(value) else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found += [f"{path}.{key!r}"] if UNSAFE_TEXT.search(key) else unsafe_text_paths(item, key)
        return found
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in unsafe_text_paths(item, f"{path}[{index}]")]
    return []


def refuse_unsafe_text(values, location):
    """422 when a name or value of a query string or form (a MultiDict) holds NUL or a lone surrogate.

    A NUL reaching SQL ends the string early in SQLite (``q=%00`` matched every task) and is an
    error in PostgreSQL, so it is refused here, for every route, like in JSON bodies.
    """
    unsafe = sorted({name for name, value in values.items(multi=True)
                     if UNSAFE_TEXT.search(name) or UNSAFE_TEXT.search(value)})
    if unsafe:
        abort(422, message=f"The {location} may not contain NUL characters or unpaired surrogates.",
              errors={repr(name) if UNSAFE_TEXT.search(name) else name:
                      ["Contains a NUL character or an unpaired surrogate."] for name in unsafe})


# A query schema whose parse depends on the query string alone (no hooks reading the request, the
# user or the clock) sets this class attribute to True; its successful parses are remembered.
QUERY_ALONE = "parsed_from_query_alone"
REMEMBERED_QUERIES = 256


class ApiParser(FlaskParser):
    """Webargs parser that refuses a non-JSON body where JSON is expected, and unstorable text anywhere.

    Query schemas marked with ``QUERY_ALONE`` are parsed once per distinct query string: marshmallow
    loading a listing's dozen parameters was about a tenth of GET /tasks. Only successful parses are
    remembered (at most REMEMBERED_QUERIES, oldest out first), so every refusal is still raised.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._parsed = {}
        self._parsed_lock = threading.Lock()

    def parse(self, argmap, req=None, *, location=None, validate=None, **kwargs):
        """webargs' ``parse``; for a ``QUERY_ALONE`` schema, a copy of what the same query string gave before."""
        if location != "query" or validate is not None or not getattr(argmap, QUERY_ALONE, False):
            return super().parse(argmap, req, location=location, validate=validate, **kwargs)
        key = (argmap, kwargs.get("unknown"), (req or request).query_string)
        parsed = self._parsed.get(key)
        if parsed is None:
            parsed = super().parse(argmap, req, location=location, **kwargs)
            with self._parsed_lock:
                if len(self._parsed) >= REMEMBERED_QUERIES:
                    self._parsed.pop(next(iter(self._parsed)), None)
                self._parsed[key] = parsed
        return dict(parsed)

    def load_querystring(self, req, schema):
        """The query string, refused whole if any name or value holds NUL or a lone surrogate."""
        refuse_unsafe_text(req.args, "query string")
        return super().load_querystring(req, schema)

    def load_form(self, req, schema):
        """The form body, refused whole if any name or value holds NUL or a lone surrogate."""
        refuse_unsafe_text(req.form, "form body")
        return super().load_form(req, schema)

    def load_json(self, req, schema):
        """Parse the JSON body strictly: right media type, no duplicate keys, only storable text."""
        raw = req.get_data(cache=True)
        if not raw:
            return missing
        if not (req.mimetype in JSON_MIMETYPES or req.mimetype.endswith("+json")):
            abort(400, message="Request body must be JSON (Content-Type: application/json)")
        try:
            data = shallow_json.loads(raw, object_pairs_hook=reject_duplicate_keys)
        except DuplicateKeyError as error:
            abort(400, message=f"Invalid JSON body: the member {error} appears more than once.")
        except shallow_json.TooDeep:
            abort(400, message=f"Invalid JSON body: nested more than {shallow_json.MAX_DEPTH} levels deep.")
        except ValueError:  # includes UnicodeDecodeError
            abort(400, message="Invalid JSON body.")
        unsafe = unsafe_text_paths(data)
        if unsafe:
            abort(422, message="Text may not contain NUL characters or unpaired surrogates.",
                  errors={path: ["Contains a NUL character or an unpaired surrogate."] for path in unsafe})
        return data
