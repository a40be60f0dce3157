"""Per-account failure budgets, kept in the database so every worker and every node counts together.

Each check of a password, a TOTP code or a recovery code takes one unit of the account's budget
(RATELIMIT_ACCOUNT_FAILURES, default ``5/minute;30/hour``) *before* the secret is verified; a
right secret gives its unit back. So failures stay counted until their window ends, successes
cost nothing and reset nothing, and once the budget is spent even the right secret gets 429:
the answer says nothing about the secret. Taking the unit first also bounds guesses sent at the
same moment: however many arrive together, at most the budget of them is ever verified.

A window opens with the first failure after the previous window ended and lasts the limit's
period. A unit is taken with one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING``
(SQLite and PostgreSQL) and committed before the check, so a request that then fails cannot
roll its failure back. The budget is always on: RATELIMIT_ENABLED switches off only the per-IP
limits (taskapi/http/rate_limits.py).
"""

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import parse_many
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.identifiers import canonical_username
from taskapi.models import FailureBudget

TOO_MANY_FAILURES = "Too many failed attempts for this account; retry later."
UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class Reservation:
    """The unit taken from ``key``'s budget: (period, window end in ms) of each window it was taken in."""

    key: str
    windows: tuple


def budget_limits(spec):
    """{period in seconds: failures allowed} for a limit string such as ``5/minute;30/hour``.

    :raises ValueError: not a limit string
    """
    allowed = {}
    for item in parse_many(spec):
        period = int(item.get_expiry())
        allowed[period] = min(item.amount, allowed.get(period, item.amount))
    return allowed


def account_key(user):
    """Budget key of an existing account."""
    return f"user:{user.id}"


def passkey_key(user):
    """Budget key of an account's passkey sign-ins: apart from its passwords and codes, so a stranger
    spending those cannot lock the phishing-resistant factor out too."""
    return f"passkey:{user.id}"


def unknown_name_key(username):
    """Budget key of a username nobody has: hashed, since people type passwords into username fields."""
    digest = hashlib.sha256(canonical_username(username).encode("utf-8", "surrogatepass")).hexdigest()
    return f"name:{digest}"


def now_ms():
    return int(time.time() * 1000)


def within_budget(key, check):
    """Run ``check()`` (true when the secret is right) against ``key``'s budget; returns its result.

    Commits the session before the check and, when the secret is right, after it (with whatever
    the check wrote, e.g. a spent code): call it before the request writes anything else.

    :raises DomainError 429: the budget is spent; the secret is not checked
    """
    reservation = reserve(key)
    accepted = check()
    if accepted:
        give_back(reservation)
    return accepted


def reserve(key):
    """Take one unit of ``key``'s budget in every window, or none at all. Commits.

    :raises DomainError 429: some window has no unit left (with Retry-After)
    """
    now = now_ms()
    windows = []
    for period, allowed in sorted(budget_limits(current_app.config["RATELIMIT_ACCOUNT_FAILURES"]).items()):
        window_ends = take_unit(key, period, allowed, now)
        if window_ends is None:
            db.session.rollback()
            raise over_budget(key, now)
        windows.append((period, window_ends))
    db.session.commit()
    return Reservation(key, tuple(windows))


def take_unit(key, period, allowed, now):
    """One statement: open a window or count one more failure in it, unless it is full; its end, or None."""
    table = FailureBudget.__table__
    new_end = now + period * 1000
    ended = table.c.window_ends_ms <= now
    statement = UPSERTS[db.session.get_bind().dialect.name](table).values(
        key=key, period=period, window_ends_ms=new_end, failures=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key, table.c.period],
        set_={"failures": case((ended, 1), else_=table.c.failures + 1),
              "window_ends_ms": case((ended, new_end), else_=table.c.window_ends_ms)},
        where=ended | (table.c.failures < allowed),
    ).returning(table.c.window_ends_ms)
    return db.session.execute(statement).scalar_one_or_none()


def over_budget(key, now):
    """The 429 for ``key``, with Retry-After: whole seconds until every full window has ended."""
    allowed = budget_limits(current_app.config["RATELIMIT_ACCOUNT_FAILURES"])
    rows = db.session.execute(select(FailureBudget.period, FailureBudget.window_ends_ms, FailureBudget.failures)
                              .where(FailureBudget.key == key, FailureBudget.window_ends_ms > now))
    ends = [window_ends for period, window_ends, failures in rows if failures >= allowed.get(period, 0)]
    db.session.rollback()
    seconds = max(1, math.ceil((max(ends, default=now) - now) / 1000))
    return DomainError(429, TOO_MANY_FAILURES, headers={"Retry-After": str(seconds)})


def give_back(reservation):
    """Return a right secret's unit to each window it was taken from, if that window is still open. Commits."""
    for period, window_ends in reservation.windows:
        db.session.execute(
            update(FailureBudget)
            .where(FailureBudget.key == reservation.key, FailureBudget.period == period,
                   FailureBudget.window_ends_ms == window_ends, FailureBudget.failures > 0)
            .values(failures=FailureBudget.failures - 1)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def purge_ended_windows():
    """Delete windows that have ended; returns how many. Does not commit."""
    return db.session.execute(delete(FailureBudget).where(FailureBudget.window_ends_ms <= now_ms())).rowcount
