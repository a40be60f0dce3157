"""Flask CLI commands: ``flask users create-admin NAME``."""

import sys

import click
from flask import Blueprint
from werkzeug.exceptions import HTTPException

from taskapi.accounts import create_user
from taskapi.auth.schemas import RegisterSchema

users_cli = Blueprint("users_cli", __name__, cli_group="users")


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
        for field, messages in errors.items():
            click.echo(f"error: {field}: {' '.join(messages)}", err=True)
        raise SystemExit(1)
    data = RegisterSchema().load(payload)
    try:
        user = create_user(data["username"], data["password"], data["email"], "admin")
    except HTTPException as error:
        click.echo(f"error: {error.data.get('message') if hasattr(error, 'data') else error}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Created admin {user.username!r} (id {user.id}).")


def find_user_or_exit(username):
    """The user named ``username`` (case-insensitively), or exit 1 with a message."""
    from taskapi.accounts import find_user_by_username

    user = find_user_by_username(username)
    if user is None:
        click.echo(f"error: no user named {username!r}", err=True)
        raise SystemExit(1)
    return user


def apply_guarded(user, change, guarded=True):
    """Apply ``change`` and commit, unless (when ``guarded``) the last-admin guard refuses."""
    from taskapi.extensions import db
    from taskapi.users.guards import ensure_not_last_admin

    try:
        if guarded:
            ensure_not_last_admin(user)
    except HTTPException as error:
        click.echo(f"error: {error.data['message']}", err=True)
        raise SystemExit(1) from None
    change()
    db.session.commit()


@users_cli.cli.command("list")
def list_users():
    """Print every account: id, username, role, active, email."""
    from sqlalchemy import select

    from taskapi.extensions import db
    from taskapi.models import User

    for user in db.session.scalars(select(User).order_by(User.id)):
        state = "active" if user.is_active else "disabled"
        click.echo(f"{user.id}\t{user.username}\t{user.role}\t{state}\t{user.email or ''}")


@users_cli.cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(["user", "admin"]))
def set_role(username, role):
    """Make a user an admin, or an ordinary user again."""
    user = find_user_or_exit(username)
    apply_guarded(user, lambda: setattr(user, "role", role), guarded=role != "admin")
    click.echo(f"{user.username} is now {role}.")


@users_cli.cli.command("disable")
@click.argument("username")
def disable_user(username):
    """Disable an account and end all of its sessions."""
    from taskapi.sessions import revoke_all_sessions

    user = find_user_or_exit(username)

    def disable():
        user.is_active = False
        revoke_all_sessions(user)

    apply_guarded(user, disable)
    click.echo(f"{user.username} is disabled; their tokens no longer work.")


def register_commands(app):
    """Attach the CLI command groups to the app."""
    app.register_blueprint(users_cli)
    app.register_blueprint(tokens_cli)


tokens_cli = Blueprint("tokens_cli", __name__, cli_group="tokens")


@tokens_cli.cli.command("purge")
def purge_tokens():
    """Delete expired or revoked sessions, expired refresh tokens, and spent or expired mailed tokens."""
    from taskapi.account_tokens import purge_expired_tokens
    from taskapi.extensions import db
    from taskapi.sessions import purge_expired

    removed = purge_expired() + purge_expired_tokens()
    db.session.commit()
    click.echo(f"Removed {removed} expired or revoked rows.")
