"""taskapi: a multi-user task manager served as a JSON REST API."""

import os

from werkzeug.middleware.proxy_fix import ProxyFix

# Before any module imports huey: it keeps huey's optional Redis and PostgreSQL drivers out of a worker.
import taskapi.db.drivers  # noqa: F401
from config import config_from_env, instance_path_from_env
from taskapi import cli, ops, pages, projects, tasks, users, webhooks
from taskapi.auth import limits
from taskapi.auth.audit import events
from taskapi.auth.audit.notifications import install_notification_hooks
from taskapi.auth.sessions import token_auth, tokens
from taskapi.auth.sessions.keys import ensure_secret_key
from taskapi.auth.sessions.verified_tokens import jwt
from taskapi.auth.views import bp as auth_bp
from taskapi.db import init_db
from taskapi.extensions import db
from taskapi.http.api import ACCESS_TOKEN_AUTHENTICATOR, api
from taskapi.http.docs import assets as docs_assets
from taskapi.http.fast_paths import TaskApiFlask
from taskapi.http.headers import register_headers
from taskapi.http.hosts import check_public_url, ensure_trusted_hosts
from taskapi.http.problems import register_error_handlers
from taskapi.http.rate_limits import check_limit_settings, init_rate_limits
from taskapi.http.request_log import register_request_logging
from taskapi.http.security import normalize_bearer_scheme, register_security_schemes
from taskapi.jobs import init_jobs
from taskapi.projects import invitations
from taskapi.projects.invitations import limits as invitation_limits

__version__ = "1.0.0"


def create_app(config_class=None):
    """Build the Flask app; ``config_class`` defaults to the one TASKAPI_ENV names."""
    app = TaskApiFlask(__name__, instance_path=instance_path_from_env(), instance_relative_config=True)
    app.config.from_object(config_class or config_from_env())
    app.config["API_VERSION"] = __version__
    os.makedirs(app.instance_path, exist_ok=True)
    ensure_secret_key(app)
    # The account failure budget cannot be switched off, and a per-address limit is read per request.
    check_limit_settings(app, ("RATELIMIT_ACCOUNT_FAILURES", *limits.SETTINGS, *invitation_limits.SETTINGS))
    ensure_trusted_hosts(app)
    check_public_url(app)
    register_request_logging(app)  # first, so even a rate-limited request gets an id and a log line
    # /tasks and /tasks/ are one route, with no redirect (contract).
    app.url_map.strict_slashes = False
    trusted_proxies = app.config.get("PROXY_FIX_X_FOR", 0)
    if trusted_proxies:
        # Only behind that many proxies is X-Forwarded-For the client's address (never by default).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)

    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_headers(app)
    cli.register_commands(app)
    return app


def register_extensions(app):
    """Bind the extension objects to this app."""
    init_db(app, db)
    jwt.init_app(app)
    tokens.register_callbacks(jwt)
    app.extensions[ACCESS_TOKEN_AUTHENTICATOR] = token_auth.authenticate  # personal access tokens
    init_rate_limits(app)
    api.init_app(app)
    register_security_schemes(api)
    init_jobs(app)
    events.connect_event_receivers()
    install_notification_hooks()
    webhooks.init_app(app)
    app.before_request(normalize_bearer_scheme)


def register_blueprints(app):
    """Mount the API blueprints (documented in /openapi.json), Swagger UI's assets and the account pages."""
    for blueprint in (auth_bp, tasks.bp, projects.bp, users.bp, ops.bp, webhooks.bp):
        api.register_blueprint(blueprint)
    api.register_blueprint(invitations.bp)
    app.register_blueprint(docs_assets)
    app.register_blueprint(pages.bp)
