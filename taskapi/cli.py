"""Flask CLI commands: ``flask users ...`` for accounts, ``flask tokens purge``, ``flask jobs ...``."""

import functools
import sys

import click
from flask import Blueprint, current_app
from sqlalchemy import select

from taskapi.auth.credentials import admin_update, create_user, find_user_by_username
from taskapi.auth.factors import reset_two_factor as clear_second_factor
from taskapi.auth.housekeeping import purge_expired_rows
from taskapi.auth.views.schemas import RegisterSchema
from taskapi.db.unit_of_work import unit_of_work
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.jobs import current_jobs
from taskapi.jobs.reliability import queue_status
from taskapi.jobs.worker import run_worker
from taskapi.models import ROLES, SiteRole, User

users_cli = Blueprint("users_cli", __name__, cli_group="users")
tokens_cli = Blueprint("tokens_cli", __name__, cli_group="tokens")
jobs_cli = Blueprint("jobs_cli", __name__, cli_group="jobs")


def register_commands(app):
    """Attach the CLI command groups to the app."""
    app.register_blueprint(users_cli)
    app.register_blueprint(tokens_cli)
    app.register_blueprint(jobs_cli)


def command(blueprint, name):
    """``blueprint``'s CLI command ``name``, committing its work once when it returns (rolled back when it fails)."""

    def decorator(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            with unit_of_work(db.session):
                return function(*args, **kwargs)

        return blueprint.cli.command(name)(run)

    return decorator


def fail(message):
    """Print ``error: message`` to stderr and exit 1."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def read_password():
    """A password from an interactive prompt (typed twice), or one line of stdin for scripts."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@command(users_cli, "create-admin")
@click.argument("username")
@click.option("--email", default=None, help="Optional email address.")
def create_admin(username, email):
    """Create an admin account; the password is prompted for, or read from stdin."""
    payload = {"username": username, "password": read_password(), "role": SiteRole.ADMIN}
    if email:
        payload["email"] = email
    errors = RegisterSchema().validate(payload)
    if errors:
        fail("\nerror: ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
    data = RegisterSchema().load(payload)
    try:
        user = create_user(data["username"], data["password"], data["email"], SiteRole.ADMIN)
    except DomainError as error:
        fail(error.detail)
    click.echo(f"Created admin {user.username!r} (id {user.id}).")


def find_user_or_exit(username):
    """The user named ``username`` (case-insensitively), or exit 1 with a message."""
    user = find_user_by_username(username)
    if user is None:
        fail(f"no user named {username!r}")
    return user


def update_or_exit(user, changes):
    """``admin_update`` as the operator (no admin account named), or exit 1 with the refusal."""
    try:
        admin_update(user, changes)
    except DomainError as error:
        fail(error.detail)


@command(users_cli, "list")
def list_users():
    """Print every account: id, username, role, active, email."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        state = "active" if user.is_active else "disabled"
        click.echo(f"{user.id}\t{user.username}\t{user.role}\t{state}\t{user.email or ''}")


@command(users_cli, "set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def set_role(username, role):
    """Make a user an admin, or an ordinary user again."""
    user = find_user_or_exit(username)
    update_or_exit(user, {"role": role})
    click.echo(f"{user.username} is now {role}.")


@command(users_cli, "disable")
@click.argument("username")
def disable_user(username):
    """Disable an account and end all of its sessions."""
    user = find_user_or_exit(username)
    update_or_exit(user, {"is_active": False})
    click.echo(f"{user.username} is disabled; their tokens no longer work.")


@command(users_cli, "reset-2fa")
@click.argument("username")
def reset_two_factor(username):
    """Clear a user's second factor (a lost authenticator) and end all of their sessions."""
    user = find_user_or_exit(username)
    try:
        clear_second_factor(user)
    except DomainError as error:
        fail(error.detail)
    click.echo(f"{user.username}: two-factor authentication is off and every session is ended; "
               "they sign in with their password and can set 2FA up again.")


@command(tokens_cli, "purge")
def purge_tokens():
    """Delete expired or revoked sessions and tokens, ended failure windows, and events past retention."""
    removed, events = purge_expired_rows()
    click.echo(f"Removed {removed} expired or revoked rows and {events} security events past retention.")


@jobs_cli.cli.command("worker")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker threads (default JOBS_WORKERS).")
def jobs_worker(workers):
    """Run a jobs consumer (mail, reminders, housekeeping) until Ctrl-C."""
    run_worker(current_app._get_current_object(), workers or current_app.config["JOBS_WORKERS"])


@jobs_cli.cli.command("status")
def jobs_status():
    """Print the queue's storage, its counts, and the live consumers; exit 1 when no consumer runs."""
    jobs = current_jobs()
    status = queue_status(jobs.huey, current_app.config["JOBS_CONSUMER_TIMEOUT_SECONDS"])
    click.echo(f"storage\t{jobs.storage}")
    for name, value in status.items():
        click.echo(f"{name}\t{'-' if value is None else value}")
    if not status["consumers"]:
        fail("no jobs consumer is running: start one with `flask --app wsgi jobs worker`")
