"""flask-smorest Api and Blueprint: problem documents, strict bodies, and one way to protect a route.

A protected view is marked with ``@bp.protected()`` (or ``@bp.protected(admin=True)``) anywhere
in its decorator stack. The blueprint checks the mark in a ``before_request`` hook, so the order
of every request is fixed whatever the order of the decorators: authenticate (401), authorise
(403), load the objects the URL names (404, ``bp.view_arg_loader``), and only then validate the
body and query (4xx) and run the view.
"""

import marshmallow as ma
from flask import current_app, g, request
from flask_jwt_extended import current_user, verify_jwt_in_request
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint

from taskapi.db.reconnect import run_once_more
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.contract import ContractPlugin
from taskapi.http.docs import ProblemDocumentsPlugin
from taskapi.http.parsing import ApiParser
from taskapi.http.problems import problem_from_http_exception
from taskapi.http.scopes import (
    INSUFFICIENT_SCOPE,
    INTERACTIVE,
    SCOPE_CHALLENGE_HEADER,
    SCOPE_EXTENSION,
    insufficient_scope,
)
from taskapi.http.security import BEARER_SECURITY, IDENTITY_ONLY, bearer_token

ADMIN_REQUIRED = "Admin privileges required"
PROTECTION = "_taskapi_protection"
# app.extensions key of the function that authenticates a personal access token (taskapi.auth.sessions.token_auth).
ACCESS_TOKEN_AUTHENTICATOR = "taskapi_access_tokens"


class ProblemSchema(ma.Schema):
    """RFC 9457 problem document (documentation only); every member a problem can carry is listed."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True, metadata={"example": "Unauthorized"})
    status = ma.fields.Integer(required=True, metadata={"example": 401})
    detail = ma.fields.String(required=True, metadata={"example": "Could not validate credentials"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Raw(metadata={"description": "A list of messages, or for a nested field an object of them"}),
        metadata={"description": "Per-field validation messages (422, and 400 for some malformed bodies)"},
    )
    error = ma.fields.String(metadata={"description": "A machine-readable reason where one helps the client, "
                                                      "e.g. mfa_required, mfa_invalid, mfa_token_invalid"})
    mfa_token = ma.fields.String(metadata={"description": "With error mfa_required at a sign-in: the token of "
                                                          "POST /auth/login/2fa (single use, five minutes)"})


def require_access(admin=False, scope=None, identity_only=False):
    """A session JWT or access token (else 401), a token's ``scope`` (else 403), the admin role if ``admin``.

    A token without ``scope`` gets 403 ``insufficient_scope``, and so does every token on an
    operation that declares INTERACTIVE (or nothing). The authenticator registered under
    ``ACCESS_TOKEN_AUTHENTICATOR`` answers None for a bearer token that is not an access token (a
    JWT then), else the token's scopes, having made its account ``current_user``. ``admin`` may
    also be a predicate of the user that lets some non-admins through (project admins deleting
    tasks). The role is read from the database user, not the token, so a demotion bites at once.
    With ``identity_only``, the account (of a JWT or a token) is read as an AccountIdentity (its columns).
    """
    token = bearer_token()
    if identity_only:
        setattr(g, IDENTITY_ONLY, True)
    authenticate = current_app.extensions.get(ACCESS_TOKEN_AUTHENTICATOR)
    granted = authenticate(token) if token is not None and authenticate is not None else None
    if granted is None:
        verify_jwt_in_request()
    elif scope is None or scope == INTERACTIVE or scope not in granted:
        raise insufficient_scope(scope)
    if admin and not current_user.is_admin and not (callable(admin) and admin(current_user)):
        raise DomainError(403, ADMIN_REQUIRED)


def protection_of(view, method):
    """The ``protected()`` mark of the handler that serves ``method`` in ``view``, or None."""
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return getattr(view, PROTECTION, None)
    handler = getattr(view_class, method.lower(), None)
    if handler is None and method == "HEAD":
        handler = getattr(view_class, "get", None)
    return getattr(handler, PROTECTION, None)


class Blueprint(SmorestBlueprint):
    """Blueprint with strict request parsing, ``protected()`` views and path-object loaders."""

    ARGUMENTS_PARSER = ApiParser()

    def __init__(self, *args, account_identity=False, **kwargs):
        """``account_identity``: its views read only ``AccountIdentity``'s attributes of ``current_user``."""
        super().__init__(*args, **kwargs)
        self.account_identity = account_identity
        self._loaders = {}
        self.before_request(self._authorize_then_load)

    def protected(self, admin=False, scope=None):
        """Require a valid access token (and the admin role with ``admin=True``); document both.

        ``scope`` is the ``Scope`` an access token needs for this operation, or ``INTERACTIVE``
        for one only a signed-in session may call; it is declared as ``x-token-scope``.
        """
        def decorator(view):
            setattr(view, PROTECTION, {"admin": admin, "scope": scope})
            view = self.doc(security=BEARER_SECURITY)(view)
            if scope is not None:
                view = self.doc(**{SCOPE_EXTENSION: str(scope)})(view)
            view = self.alt_response(401, description="Missing, invalid, expired or revoked token")(view)
            if admin:
                view = self.alt_response(403, description=ADMIN_REQUIRED, headers=SCOPE_CHALLENGE_HEADER)(view)
            else:
                view = self.alt_response(403, description=INSUFFICIENT_SCOPE, headers=SCOPE_CHALLENGE_HEADER)(view)
            return view
        return decorator

    def arguments(self, schema, **kwargs):
        """flask-smorest's ``arguments``, with a schema class made an instance once, here.

        Given a class, webargs builds a new schema (deep-copying every field) on every request.
        """
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)

    def view_arg_loader(self, name, replacement):
        """Register ``loader(value)`` to turn URL argument ``name`` into ``replacement`` before the view."""
        def decorator(loader):
            self._loaders[name] = (replacement, loader)
            return loader
        return decorator

    def _authorize_then_load(self):
        current = request._get_current_object()  # one proxy lookup for the five reads below
        if current.method == "OPTIONS":
            return
        # The first statement of a request: after a database restart its connection may be dead.
        run_once_more(lambda: self._authorize_and_load(current), db.session)

    def _authorize_and_load(self, current):
        protection = protection_of(current_app.view_functions.get(current.endpoint), current.method)
        if protection is not None:
            require_access(admin=protection["admin"], scope=protection["scope"], identity_only=self.account_identity)
        view_args = current.view_args or {}
        present = [name for name in self._loaders if name in view_args]
        for name in present:  # in registration order: a loader may read what an earlier one loaded
            replacement, loader = self._loaders[name]
            view_args[replacement] = loader(view_args[name])
        for name in present:  # only once all loaded, so that a second run finds the same arguments
            del view_args[name]


class ProblemApi(Api):
    """Api whose HTTP errors (including webargs 422s) are problem documents."""

    ERROR_SCHEMA = ProblemSchema

    def init_app(self, app, *, spec_kwargs=None):
        """Bind to ``app``, documenting every error response as a problem document."""
        spec_kwargs = dict(spec_kwargs or {})
        spec_kwargs["extra_plugins"] = [*spec_kwargs.get("extra_plugins", ()), ProblemDocumentsPlugin(),
                                       ContractPlugin()]
        super().init_app(app, spec_kwargs=spec_kwargs)

    def handle_http_exception(self, error):
        """Turn any HTTPException into a problem document."""
        return problem_from_http_exception(error)


api = ProblemApi()
