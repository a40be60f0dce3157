"""RFC 9457 problem documents for every error source: routing, validation, auth, database, crashes."""

import logging
from http import HTTPStatus

from flask import current_app, jsonify, request
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge, SecurityError

from taskapi.errors import DomainError
from taskapi.extensions import db

PROBLEM_MIMETYPE = "application/problem+json"

log = logging.getLogger(__name__)


def problem(status, detail=None, *, title=None, headers=None, **members):
    """Build a problem-document response; extra keyword members are added to the body."""
    status = int(status)
    body = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
    }
    body.update({key: value for key, value in members.items() if value is not None})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def problem_from_domain_error(error):
    """The problem document for a DomainError a service raised."""
    return problem(error.status, error.detail, headers=error.headers, **error.members)


def flatten_validation_errors(messages):
    """Merge webargs' per-location messages ({"json": {...}}) into one field map."""
    errors = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            errors.update(location_errors)
        else:
            errors.setdefault("_schema", []).extend(location_errors)
    return errors


def summarize(errors):
    """One human sentence for a validation error map, e.g. "title: Field may not be null."."""
    parts = []
    for field, messages in errors.items():
        first = messages[0] if isinstance(messages, list) and messages else messages
        if isinstance(first, dict):
            first = "invalid value"
        parts.append(f"{field}: {first}" if field != "_schema" else str(first))
    return "Invalid request. " + "; ".join(parts) if parts else "Invalid request."


def problem_from_http_exception(error):
    """Problem document for a Werkzeug HTTPException, including flask-smorest/webargs aborts."""
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    detail = data.get("message") or error.description
    errors = data.get("errors")
    if errors is None and "messages" in data:
        errors = flatten_validation_errors(data["messages"])
    if errors is not None and set(errors) == {"_schema"} and error.code == 400:
        detail, errors = " ".join(errors["_schema"]), None  # e.g. "Invalid JSON body."
    elif errors is not None and not data.get("message"):
        detail = summarize(errors)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if error.code == 429:
        detail = f"Too many requests: the limit of {error.description} was reached; retry later."
    if isinstance(error, SecurityError):
        detail = "The Host header names a host this API does not serve (see TRUSTED_HOSTS)"
    if isinstance(error, RequestEntityTooLarge):
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        detail = f"Request body is larger than the limit of {limit} bytes"
    return problem(error.code or 500, detail, headers=headers, errors=errors, **data.get("extra", {}))


def handle_integrity_error(error):
    """A constraint violation nobody caught is a conflict, never a 500."""
    db.session.rollback()
    log.warning("integrity error: %s", error.orig.__class__.__name__)
    return problem(409, "The request conflicts with data already stored")


def handle_database_unavailable(error):
    """Database unreachable or locked: 503 so clients retry, with no traceback."""
    db.session.rollback()
    log.error("database unavailable: %s", error.__class__.__name__)
    return problem(503, "The database is unavailable; try again shortly", headers={"Retry-After": "5"})


def handle_data_error(error):
    """A value the database refuses (out of range, bad encoding) is the client's 422."""
    db.session.rollback()
    log.warning("data error: %s", error.orig.__class__.__name__)
    return problem(422, "A value in the request is out of range or malformed")


def handle_stale_data(error):
    """Another request changed the row between our read and our write."""
    db.session.rollback()
    if "If-Match" in request.headers:
        return problem(412, "The task was changed since you read it (If-Match does not match its ETag)")
    return problem(409, "The task was changed by a concurrent request; read it again and retry")


def handle_unexpected_error(error):
    """Log the traceback server-side; the client gets a generic 500 document."""
    if isinstance(error, HTTPException):
        return problem_from_http_exception(error)
    log.exception("unhandled error")
    return problem(500, "The server encountered an unexpected error")


def register_error_handlers(app):
    """Route database and unexpected exceptions to problem documents."""
    app.register_error_handler(DomainError, problem_from_domain_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(InterfaceError, handle_database_unavailable)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(Exception, handle_unexpected_error)
