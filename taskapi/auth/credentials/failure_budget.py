"""Per-account failure budgets, kept in the database so every worker and every node counts together.

Each check of a password, a TOTP code or a recovery code takes one unit of the account's budget
(RATELIMIT_ACCOUNT_FAILURES, default ``5/minute;30/hour``) *before* the secret is verified; a
right secret gives its unit back. So failures stay counted until their window ends, successes
cost nothing and reset nothing, and once the budget is spent even the right secret gets 429:
the answer says nothing about the secret. Taking the unit first also bounds guesses sent at the
same moment: however many arrive together, at most the budget of them is ever verified.

A window opens with the first failure after the previous window ended and lasts the limit's
period. A unit is taken with one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING``
(SQLite and PostgreSQL), written apart from the request and committed before the check, so a
request that then fails cannot roll its failure back. A right secret's unit is owed back until
the request ends: returned with the request's commit, or apart after its refusal (the next unit
taken in the same request returns it first), so the account's rows are never written by the
request while a write apart waits for them. The budget is always on: RATELIMIT_ENABLED switches off only the per-IP
limits (taskapi/http/rate_limits.py).
"""

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app, g
from limits import parse_many
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from taskapi.db.unit_of_work import on_finish, write_apart
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.identifiers import canonical_username
from taskapi.models import FailureBudget

TOO_MANY_FAILURES = "Too many failed attempts for this account; retry later."
UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
OWED = "_taskapi_budget_units_owed"


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

    The unit is taken (and committed) apart from the request before the check: call it before the
    request writes anything.

    :raises DomainError 429: the budget is spent; the secret is not checked
    """
    reservation = reserve(key)
    accepted = check()
    if accepted:
        give_back(reservation)
    return accepted


class OverBudget(Exception):
    """A window had no unit left: the transaction that took the others rolls back."""


def reserve(key):
    """Take one unit of ``key``'s budget in every window, or none at all, in a transaction of its own.

    :raises DomainError 429: some window has no unit left (with Retry-After)
    """
    now = now_ms()
    limits = sorted(budget_limits(current_app.config["RATELIMIT_ACCOUNT_FAILURES"]).items())
    owed = g.pop(OWED, [])

    def take(side):
        return_units(side, owed)
        windows = []
        for period, allowed in limits:
            window_ends = take_unit(side, key, period, allowed, now)
            if window_ends is None:
                raise OverBudget
            windows.append((period, window_ends))
        return tuple(windows)

    try:
        windows = write_apart(db.session, take)
    except OverBudget:
        g.setdefault(OWED, []).extend(owed)  # rolled back with the units: still owed
        raise over_budget(key, now) from None
    return Reservation(key, windows)


def take_unit(session, key, period, allowed, now):
    """One statement: open a window or count one more failure in it, unless it is full; its end, or None."""
    table = FailureBudget.__table__
    new_end = now + period * 1000
    ended = table.c.window_ends_ms <= now
    statement = UPSERTS[session.get_bind().dialect.name](table).values(
        key=key, period=period, window_ends_ms=new_end, failures=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key, table.c.period],
        set_={"failures": case((ended, 1), else_=table.c.failures + 1),
              "window_ends_ms": case((ended, new_end), else_=table.c.window_ends_ms)},
        where=ended | (table.c.failures < allowed),
    ).returning(table.c.window_ends_ms)
    return session.execute(statement).scalar_one_or_none()


def over_budget(key, now):
    """The 429 for ``key``, with Retry-After: whole seconds until every full window has ended."""
    allowed = budget_limits(current_app.config["RATELIMIT_ACCOUNT_FAILURES"])
    rows = db.session.execute(select(FailureBudget.period, FailureBudget.window_ends_ms, FailureBudget.failures)
                              .where(FailureBudget.key == key, FailureBudget.window_ends_ms > now))
    ends = [window_ends for period, window_ends, failures in rows if failures >= allowed.get(period, 0)]
    seconds = max(1, math.ceil((max(ends, default=now) - now) / 1000))
    return DomainError(429, TOO_MANY_FAILURES, headers={"Retry-After": str(seconds)})


def give_back(reservation):
    """Owe a right secret's unit back until the request ends (see the module's docstring)."""
    g.setdefault(OWED, []).append(reservation)
    on_finish(settle_owed)


def settle_owed(session, committed):
    """At the request's end: return the units owed in its commit, or apart once its refusal was rolled back."""
    owed = g.pop(OWED, [])
    if not owed:
        return
    if committed:
        return_units(session, owed)
    else:
        write_apart(session, lambda side: return_units(side, owed))


def return_units(session, reservations):
    """Return each reservation's unit to each window it was taken from, if that window is still open."""
    for reservation in reservations:
        for period, window_ends in reservation.windows:
            session.execute(
                update(FailureBudget)
                .where(FailureBudget.key == reservation.key, FailureBudget.period == period,
                       FailureBudget.window_ends_ms == window_ends, FailureBudget.failures > 0)
                .values(failures=FailureBudget.failures - 1)
                .execution_options(synchronize_session=False)
            )


def purge_ended_windows():
    """Delete windows that have ended; returns how many."""
    return db.session.execute(delete(FailureBudget).where(FailureBudget.window_ends_ms <= now_ms())).rowcount
