"""Per-IP rate limits on the auth endpoints, and the two budgets of every route that mails.

Every attempt counts, successful or not.

The counts are shared by every worker: a SQLite file by default (taskapi/db/limit_counters.py), or Redis.

Per-account limits are not here: wrong passwords and codes spend the account's failure budget in
the database (``failure_budget``), exact across workers and nodes with or without Redis.
"""

import logging
from functools import wraps

from flask import current_app, g, has_request_context, request
from flask_jwt_extended import current_user

from taskapi.http.identifiers import canonical_email
from taskapi.http.parsing import peek_json_string
from taskapi.http.rate_limits import rate_limit

SETTINGS = ("RATELIMIT_LOGIN_PER_IP", "RATELIMIT_REGISTER_PER_IP", "RATELIMIT_REFRESH_PER_IP",
            "RATELIMIT_RESET_PER_IP", "RATELIMIT_RESET_PER_EMAIL", "RATELIMIT_VERIFY_PER_IP",
            "RATELIMIT_MAIL_PER_IP", "RATELIMIT_MAIL_PER_RECIPIENT")
MAILS_EXTENSION = "x-mails"  # the templates an operation can send, in /openapi.json
LIMITS_EXTENSION = "x-rate-limits"  # the budgets an operation spends: "client", "recipient"
MAIL_LIMITED = "Too many mails from this client or to this address; retry later"
log = logging.getLogger("taskapi.rate_limits")


def configured(name):
    """A limit string read from config at request time, so apps and tests can set their own."""
    if name not in SETTINGS:
        raise ValueError(f"{name} is not in SETTINGS, so create_app would not check it")
    return lambda: current_app.config[name]


def limit_login(view):
    """Per-IP budget shared by every login endpoint."""
    return rate_limit(configured("RATELIMIT_LOGIN_PER_IP"), scope="login-ip")(view)


def limit_second_step(view):
    """Per-IP budget of the second step of a sign-in: the login limit, counted on its own."""
    return rate_limit(configured("RATELIMIT_LOGIN_PER_IP"), scope="login-2fa-ip")(view)


def limit_register(view):
    """Per-IP budget for creating accounts."""
    return rate_limit(configured("RATELIMIT_REGISTER_PER_IP"))(view)


def limit_refresh(view):
    """Per-IP budget for refreshing tokens."""
    return rate_limit(configured("RATELIMIT_REFRESH_PER_IP"))(view)


def requested_email():
    """The email in a JSON body in its canonical form, or None."""
    email = peek_json_string("email")
    return canonical_email(email) if email and email.strip() else None


def limit_password_reset(view):
    """Per-IP and per-email budgets for reset mails, so nobody floods a mailbox or probes at speed."""
    view = rate_limit(configured("RATELIMIT_RESET_PER_EMAIL"), key=lambda: f"email:{requested_email()}",
                      exempt_when=lambda: requested_email() is None)(view)
    return rate_limit(configured("RATELIMIT_RESET_PER_IP"))(view)


def email_change_recipient():
    """The address a PATCH of the caller's email mails: the new one, or the current one when it is removed."""
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict) or "email" not in body:
        return None
    new = body["email"]
    return current_user.email if new is None else new if isinstance(new, str) else None


def limit_account_tokens(view):
    """Per-IP budget for redeeming mailed tokens and asking for verification mails."""
    return rate_limit(configured("RATELIMIT_VERIFY_PER_IP"))(view)


def limit_mail(bp, *templates, recipient):
    """Budgets for a route that can send ``templates``: one per client, one per recipient; documented.

    ``recipient()`` is the address this request would mail (None: it mails nobody, and spends
    nothing). The recipient budget is shared by every route that mails and keyed by the canonical
    address, so no variant of an address and no mix of routes gets past it. Mails queued with
    ``check_recipient_limited`` must go to an address this budget counted.
    """
    def recipient_key():
        return f"to:{canonical_email(recipient())}"

    def mails_nobody():
        return not recipient()

    def decorate(inner):
        @wraps(inner)
        def counted(*args, **kwargs):
            if recipient():  # known to the guard even while RATELIMIT_ENABLED is off
                g.limited_recipients = {*g.get("limited_recipients", ()), canonical_email(recipient())}
            return inner(*args, **kwargs)

        view = rate_limit(configured("RATELIMIT_MAIL_PER_RECIPIENT"), key=recipient_key, scope="mail-recipient",
                          exempt_when=mails_nobody)(counted)
        view = rate_limit(configured("RATELIMIT_MAIL_PER_IP"), scope="mail-client", exempt_when=mails_nobody)(view)
        view = bp.doc(**{MAILS_EXTENSION: sorted(templates), LIMITS_EXTENSION: ["client", "recipient"]})(view)
        return bp.alt_response(429, description=MAIL_LIMITED)(view)

    return decorate


def check_recipient_limited(address):
    """Refuse (in tests) or log a mail queued by a request that did not count ``address`` in ``limit_mail``."""
    if not has_request_context() or canonical_email(address) in g.get("limited_recipients", ()):
        return
    if current_app.testing:
        raise RuntimeError("a route queued a mail without a per-recipient limit (taskapi.auth.limits.limit_mail)")
    log.error("a mail was queued without a per-recipient limit")
