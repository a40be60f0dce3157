"""Flask CLI commands: ``flask users ...`` for accounts and ``flask tokens purge`` for housekeeping."""

import sys

import click
from flask import Blueprint, current_app
from sqlalchemy import select

from taskapi.auth import two_factor
from taskapi.auth.accounts import create_user, find_user_by_username
from taskapi.auth.activity import purge_old_events
from taskapi.auth.events import record_admin_changes
from taskapi.auth.failure_budget import purge_ended_windows
from taskapi.auth.guards import ensure_not_last_admin
from taskapi.auth.mailed_tokens import purge_expired_tokens
from taskapi.auth.sessions import purge_expired, revoke_all_sessions
from taskapi.auth.views.schemas import RegisterSchema
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import User

users_cli = Blueprint("users_cli", __name__, cli_group="users")
tokens_cli = Blueprint("tokens_cli", __name__, cli_group="tokens")


def register_commands(app):
    """Attach the CLI command groups to the app."""
    app.register_blueprint(users_cli)
    app.register_blueprint(tokens_cli)


def fail(message):
    """Print ``error: message`` to stderr and exit 1."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


def read_password():
    """A password from an interactive prompt (typed twice), or one line of stdin for scripts."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.cli.command("create-admin")
@click.argument("username")
@click.option("--email", default=None, help="Optional email address.")
def create_admin(username, email):
    """Create an admin account; the password is prompted for, or read from stdin."""
    payload = {"username": username, "password": read_password(), "role": "admin"}
    if email:
        payload["email"] = email
    errors = RegisterSchema().validate(payload)
    if errors:
        fail("\nerror: ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
    data = RegisterSchema().load(payload)
    try:
        user = create_user(data["username"], data["password"], data["email"], "admin")
    except DomainError as error:
        fail(error.detail)
    click.echo(f"Created admin {user.username!r} (id {user.id}).")


def find_user_or_exit(username):
    """The user named ``username`` (case-insensitively), or exit 1 with a message."""
    user = find_user_by_username(username)
    if user is None:
        fail(f"no user named {username!r}")
    return user


def apply_guarded(user, change, guarded=True):
    """Apply ``change`` and commit, unless (when ``guarded``) the last-admin guard refuses."""
    try:
        if guarded:
            ensure_not_last_admin(user)
    except DomainError as error:
        fail(error.detail)
    change()
    db.session.commit()


@users_cli.cli.command("list")
def list_users():
    """Print every account: id, username, role, active, email."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        state = "active" if user.is_active else "disabled"
        click.echo(f"{user.id}\t{user.username}\t{user.role}\t{state}\t{user.email or ''}")


@users_cli.cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(["user", "admin"]))
def set_role(username, role):
    """Make a user an admin, or an ordinary user again."""
    user = find_user_or_exit(username)

    def change_role():
        record_admin_changes(user, {"role": role})
        user.role = role

    apply_guarded(user, change_role, guarded=role != "admin")
    click.echo(f"{user.username} is now {role}.")


@users_cli.cli.command("disable")
@click.argument("username")
def disable_user(username):
    """Disable an account and end all of its sessions."""
    user = find_user_or_exit(username)

    def disable():
        record_admin_changes(user, {"is_active": False})
        user.is_active = False
        revoke_all_sessions(user)

    apply_guarded(user, disable)
    click.echo(f"{user.username} is disabled; their tokens no longer work.")


@users_cli.cli.command("reset-2fa")
@click.argument("username")
def reset_two_factor(username):
    """Clear a user's second factor (a lost authenticator) and end all of their sessions."""
    user = find_user_or_exit(username)
    try:
        two_factor.reset_by_admin(user)
    except DomainError as error:
        fail(error.detail)
    click.echo(f"{user.username}: two-factor authentication is off and every session is ended; "
               "they sign in with their password and can set 2FA up again.")


@tokens_cli.cli.command("purge")
def purge_tokens():
    """Delete expired or revoked sessions and tokens, ended failure windows, and events past retention."""
    removed = purge_expired() + purge_expired_tokens() + purge_ended_windows()
    events = purge_old_events(current_app.config["SECURITY_EVENT_RETENTION"])
    db.session.commit()
    click.echo(f"Removed {removed} expired or revoked rows and {events} security events past retention.")
