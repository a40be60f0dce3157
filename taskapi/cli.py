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


def register_commands(app):
    """Attach the CLI command groups to the app."""
    app.register_blueprint(users_cli)
    app.register_blueprint(tokens_cli)


tokens_cli = Blueprint("tokens_cli", __name__, cli_group="tokens")


@tokens_cli.cli.command("purge")
def purge_tokens():
    """Delete expired or revoked sessions and expired refresh tokens."""
    from taskapi.extensions import db
    from taskapi.sessions import purge_expired

    removed = purge_expired()
    db.session.commit()
    click.echo(f"Removed {removed} expired or revoked rows.")
