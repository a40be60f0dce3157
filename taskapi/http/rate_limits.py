"""Per-client rate limits declared on single views, counted by the ``limits`` library.

A view opts in with ``rate_limit``, so a route without a limit runs no limiter code at all: no
app-wide hook looks for limits that taskapi never declares.

A request takes one unit of each limit its decorator names, smallest window first, and stops at the
first one that is spent: that answer is a 429 with Retry-After. Every answer of a limited view says
where its client stands: X-RateLimit-Limit, -Remaining (after this request) and -Reset (epoch
seconds) of its first limit, or of the one that was spent.

The counters live in any `limits` storage (``RATELIMIT_STORAGE_URI``). The default is a SQLite file
that every worker of the machine shares (taskapi/db/limit_counters.py), never per-worker memory,
which would give N workers N times each budget. With Redis, every node shares the counts.
"""

import logging
import math
import os
import time
from functools import wraps

from flask import after_this_request, current_app, g, request
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from taskapi.db.limit_counters import counters_uri
from taskapi.http.contract import RATE_LIMIT_HEADERS, documents, headers

EXTENSION = "taskapi.rate_limits"
log = logging.getLogger("taskapi.rate_limits")
# Sent on the answers that come after the limiter ran (not on a 401 or 404 before it): optional.
STANDING_HEADERS = headers(*RATE_LIMIT_HEADERS, required=False)


def init_rate_limits(app):
    """Give ``app`` its own counters: RATELIMIT_STORAGE_URI, else a counters file the workers share."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        path = app.config["RATELIMIT_SQLITE_PATH"] or os.path.join(app.instance_path, "ratelimits.sqlite")
        app.config["RATELIMIT_STORAGE_URI"] = counters_uri(path)
    app.extensions[EXTENSION] = FixedWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))


def rate_limiter(app=None):
    """The `limits` rate limiter of ``app`` (default: the current app); its ``storage`` holds the counts."""
    return (app or current_app).extensions[EXTENSION]


def client_address():
    """The client's address as Werkzeug sees it (behind PROXY_FIX_X_FOR proxies: as they report it)."""
    return request.remote_addr or "127.0.0.1"


def rate_limit(limits, key=client_address, scope=None, exempt_when=None):
    """Decorate a view so that each request spends one unit of every limit in ``limits()`` for ``key()``.

    ``limits`` returns a limit string such as ``5/minute;30/hour``, read at request time. ``scope``
    names a budget that several views share; by default each view has its own, shared by every
    path it is routed at (``/register`` and ``/auth/register`` are one budget, not two). A request
    for which ``exempt_when()`` is true spends nothing. The operation's 429 and the X-RateLimit-*
    headers (on any of its answers) are declared in /openapi.json.
    """
    def decorate(view):
        budget = scope or f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def limited(*args, **kwargs):
            if current_app.config["RATELIMIT_ENABLED"] and not (exempt_when and exempt_when()):
                spend_one(limits(), key(), budget)
            return view(*args, **kwargs)

        return documents(responses={429: {"description": "Too many requests from this client"}},
                         every_response_headers=STANDING_HEADERS)(limited)

    return decorate


def parse_limits(text):
    """The limits a string such as ``5/minute;30/hour`` names, smallest window first; ValueError if none."""
    return sorted(parse_many(text), key=lambda item: item.get_expiry())


def check_limit_settings(app, names):
    """Refuse to start when a setting in ``names`` is not a limit string: what it guards would fail or go unguarded."""
    for name in names:
        try:
            parse_limits(app.config[name])
        except ValueError as error:
            raise RuntimeError(f"{name} is not a limit such as 5/minute;30/hour: {error}") from None


def spend_one(limit_string, key, scope):
    """Hit each limit, smallest window first; 429 at the first that is spent.

    If the storage fails, the request goes through and the error is logged (RATELIMIT_SWALLOW_ERRORS):
    an outage of Redis must not turn every login into a 500.
    """
    config = current_app.config
    identifiers = (config["RATELIMIT_KEY_PREFIX"], key, scope)
    limiter = rate_limiter()
    items = parse_limits(limit_string)
    try:
        spent = next((item for item in items if not limiter.hit(item, *identifiers)), None)
        shown = spent or items[0]
        reset_at, remaining = limiter.get_window_stats(shown, *identifiers)
    except Exception:
        if not config["RATELIMIT_SWALLOW_ERRORS"]:
            raise
        log.exception("the rate-limit storage failed; the request was let through")
        return
    show_standing(shown.amount, remaining, reset_at, spent is not None)
    if spent is not None:
        log.info("rate limit reached", extra={"fields": {"limit": str(spent), "scope": scope}})
        raise TooManyRequests(description=str(spent))


def show_standing(limit, remaining, reset_at, spent):
    """Put this limit's standing on the response: the first one shown, unless a later one is spent."""
    standing = g.get("rate_limit_standing")
    if standing is None:
        after_this_request(add_standing_headers)
    if standing is None or spent:
        g.rate_limit_standing = (limit, remaining, reset_at, spent)


def add_standing_headers(response):
    """X-RateLimit-Limit, -Remaining and -Reset, and on a 429 of this limiter, Retry-After in whole seconds."""
    limit, remaining, reset_at, spent = g.rate_limit_standing
    response.headers["X-RateLimit-Limit"] = str(limit)
    response.headers["X-RateLimit-Remaining"] = str(remaining)
    response.headers["X-RateLimit-Reset"] = str(math.ceil(reset_at))
    if spent:
        response.headers["Retry-After"] = str(max(1, math.ceil(reset_at - time.time())))
    return response
