"""Per-IP rate limits on the auth endpoints; every attempt counts, successful or not.

The counts are shared by every worker: a SQLite file by default (taskapi/db/limit_counters.py), or Redis.

Per-account limits are not here: wrong passwords and codes spend the account's failure budget in
the database (``failure_budget``), exact across workers and nodes with or without Redis.
"""

from flask import current_app

from taskapi.http.parsing import peek_json_string
from taskapi.http.rate_limits import rate_limit

SETTINGS = ("RATELIMIT_LOGIN_PER_IP", "RATELIMIT_REGISTER_PER_IP", "RATELIMIT_REFRESH_PER_IP",
            "RATELIMIT_RESET_PER_IP", "RATELIMIT_RESET_PER_EMAIL", "RATELIMIT_VERIFY_PER_IP")


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
    """The email in a JSON body, normalised, or None."""
    email = peek_json_string("email")
    return email.strip().lower() if email and email.strip() else None


def limit_password_reset(view):
    """Per-IP and per-email budgets for reset mails, so nobody floods a mailbox or probes at speed."""
    view = rate_limit(configured("RATELIMIT_RESET_PER_EMAIL"), key=lambda: f"email:{requested_email()}",
                      exempt_when=lambda: requested_email() is None)(view)
    return rate_limit(configured("RATELIMIT_RESET_PER_IP"))(view)


def limit_account_tokens(view):
    """Per-IP budget for redeeming mailed tokens and asking for verification mails."""
    return rate_limit(configured("RATELIMIT_VERIFY_PER_IP"))(view)
