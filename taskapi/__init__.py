"""taskapi: a multi-user task manager served as a JSON REST API."""

import os
import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import config_from_env
from taskapi.app_secret import ensure_secret_key
from taskapi.extensions import api, db, jwt, limiter, migrate
from taskapi.headers import register_headers
from taskapi.observability import register_request_logging

__version__ = "1.0.0"
MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def create_app(config_class=None):
    """Build the Flask app; ``config_class`` defaults to the one TASKAPI_ENV names."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class or config_from_env())
    app.config["API_VERSION"] = __version__
    os.makedirs(app.instance_path, exist_ok=True)
    configure_database(app)
    ensure_secret_key(app)
    register_request_logging(app)  # first, so even a rate-limited request gets an id and a log line
    # /tasks and /tasks/ are one route, with no redirect (contract).
    app.url_map.strict_slashes = False
    trusted_proxies = app.config.get("PROXY_FIX_X_FOR", 0)
    if trusted_proxies:
        # Only behind that many proxies is X-Forwarded-For the client's address (never by default).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_headers(app)
    register_commands(app)
    return app


def configure_database(app):
    """Default to SQLite under instance/, with a busy timeout so workers wait, not fail."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "taskapi.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options["connect_args"] = {"timeout": app.config["SQLITE_BUSY_TIMEOUT_SECONDS"], **options.get(
            "connect_args", {})}
    else:
        options.setdefault("pool_size", app.config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", app.config["DB_MAX_OVERFLOW"])
        options.setdefault("pool_recycle", app.config["DB_POOL_RECYCLE"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def tune_sqlite_connection(dbapi_connection, connection_record):
    """Foreign keys on (for ON DELETE CASCADE), WAL so readers never block the writer."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # Unicode-aware case folding for search (SQLite's lower() folds ASCII only).
        dbapi_connection.create_function("casefold", 1, casefold, deterministic=True)


def casefold(text):
    """str.casefold for SQLite; NULL stays NULL."""
    return text.casefold() if isinstance(text, str) else text


def register_extensions(app):
    """Bind the extension objects from extensions.py to this app."""
    # Imported for what they register: the session events and the JWT callbacks.
    from taskapi import sqlite_writes, tokens  # noqa: F401
    from taskapi.security import normalize_bearer_scheme, register_security_schemes

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    jwt.init_app(app)
    limiter.init_app(app)
    api.init_app(app)
    register_security_schemes(api)
    app.before_request(normalize_bearer_scheme)


def register_blueprints(app):
    """Mount the API blueprints (documented in /openapi.json)."""
    from taskapi.auth import bp as auth_bp
    from taskapi.docs import assets as docs_assets
    from taskapi.ops import bp as ops_bp
    from taskapi.tasks import bp as tasks_bp
    from taskapi.users import bp as users_bp

    for blueprint in (auth_bp, tasks_bp, users_bp, ops_bp):
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_assets)


def register_errorhandlers(app):
    """Every error becomes an RFC 9457 problem document."""
    from taskapi.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app):
    """Attach the ``flask users ...`` commands."""
    from taskapi.cli import register_commands as attach

    attach(app)
