"""Structured logs: one JSON line per request, with a request id that is echoed on every response."""

import logging
import os
import re
import time

from flask import g, has_request_context, request
from flask_jwt_extended import get_jwt_identity

from taskapi.http.fast_paths import compact_json

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
HANDLER_MARK = "_taskapi_handler"
access_log = logging.getLogger("taskapi.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any ``fields`` given."""

    def format(self, record):
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if "request_id" not in entry and has_request_context() and g.get("request_id"):
            entry["request_id"] = g.request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return compact_json(entry)


def configure_logging(app):
    """Send taskapi's logs to stderr, as JSON (LOG_FORMAT=json) or text, at LOG_LEVEL; once per process."""
    logger = logging.getLogger("taskapi")
    logger.setLevel(app.config["LOG_LEVEL"])
    if any(getattr(handler, HANDLER_MARK, False) for handler in logger.handlers):
        return
    handler = logging.StreamHandler()
    setattr(handler, HANDLER_MARK, True)
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)


def start_request():
    """Adopt a well-formed X-Request-ID from the client, or make one; start the clock."""
    incoming = request.headers.get("X-Request-ID", "")
    context = g._get_current_object()  # one proxy lookup, not one per attribute (every request pays them)
    context.request_id = incoming if REQUEST_ID_PATTERN.fullmatch(incoming) else os.urandom(16).hex()
    context.request_started = time.perf_counter()


def finish_request(response):
    """Echo the request id and log one line: never a body, query string or header value."""
    context, current = g._get_current_object(), request._get_current_object()
    request_id = context.get("request_id") or os.urandom(16).hex()
    response.headers["X-Request-ID"] = request_id
    started = context.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    method, path, status = current.method, current.path, response.status_code
    access_log.info("%s %s %s", method, path, status, extra={"fields": {
        "method": method, "path": path, "status": status, "duration_ms": duration_ms,
        "user_id": authenticated_user_id(), "request_id": request_id, "remote_addr": current.remote_addr,
    }})
    return response


def authenticated_user_id():
    """The id of the user whose token was verified in this request, if any."""
    try:
        identity = get_jwt_identity()
    except RuntimeError:  # no token was verified in this request
        return None
    return int(identity) if identity and str(identity).isdigit() else None


def register_request_logging(app):
    """Hook request ids and access logs into every request."""
    configure_logging(app)
    app.before_request(start_request)
    app.after_request(finish_request)
