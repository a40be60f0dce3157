"""flask-smorest Api and Blueprint: problem documents, strict bodies, and one way to protect a route.

A protected view is marked with ``@bp.protected()`` (or ``@bp.protected(admin=True)``) anywhere
in its decorator stack. The blueprint checks the mark in a ``before_request`` hook, so the order
of every request is fixed whatever the order of the decorators: authenticate (401), authorise
(403), load the objects the URL names (404, ``bp.view_arg_loader``), and only then validate the
body and query (4xx) and run the view.
"""

import marshmallow as ma
from flask import current_app, request
from flask_jwt_extended import current_user, verify_jwt_in_request
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint

from taskapi.errors import DomainError
from taskapi.http.docs import ProblemDocumentsPlugin
from taskapi.http.parsing import ApiParser
from taskapi.http.problems import problem_from_http_exception
from taskapi.http.scopes import SCOPE_EXTENSION
from taskapi.http.security import BEARER_SECURITY

ADMIN_REQUIRED = "Admin privileges required"
PROTECTION = "_taskapi_protection"


class ProblemSchema(ma.Schema):
    """RFC 9457 problem document (documentation only)."""

    type = ma.fields.String(metadata={"example": "about:blank"})
    title = ma.fields.String(metadata={"example": "Unauthorized"})
    status = ma.fields.Integer(metadata={"example": 401})
    detail = ma.fields.String(metadata={"example": "Could not validate credentials"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Per-field validation messages (422 only)"},
    )


def require_access(admin=False):
    """A valid access token (401 otherwise) and, when ``admin``, the admin role (403 otherwise).

    ``admin`` may also be a predicate of the user that lets some non-admins through (project
    admins deleting tasks). The role is read from the database user, not the token, so a
    demotion bites at once.
    """
    verify_jwt_in_request()
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
                view = self.alt_response(403, description=ADMIN_REQUIRED)(view)
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
        protection = protection_of(current_app.view_functions.get(current.endpoint), current.method)
        if protection is not None:
            require_access(admin=protection["admin"])
        view_args = current.view_args or {}
        for name, (replacement, loader) in self._loaders.items():
            if name in view_args:
                view_args[replacement] = loader(view_args.pop(name))


class ProblemApi(Api):
    """Api whose HTTP errors (including webargs 422s) are problem documents."""

    ERROR_SCHEMA = ProblemSchema

    def init_app(self, app, *, spec_kwargs=None):
        """Bind to ``app``, documenting every error response as a problem document."""
        spec_kwargs = dict(spec_kwargs or {})
        spec_kwargs["extra_plugins"] = [*spec_kwargs.get("extra_plugins", ()), ProblemDocumentsPlugin()]
        super().init_app(app, spec_kwargs=spec_kwargs)

    def handle_http_exception(self, error):
        """Turn any HTTPException into a problem document."""
        return problem_from_http_exception(error)


api = ProblemApi()
