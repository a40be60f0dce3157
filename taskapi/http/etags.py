"""Strong ETags from a row's version, conditional GET (304) and conditional writes (412)."""

from flask import make_response, request
from flask_smorest import abort

PRECONDITION_FAILED = "The task was changed since you read it (If-Match does not match its ETag)"


def etag_of(task):
    """The strong entity tag of a task's current representation (unquoted)."""
    return f"{task.id}.{task.version}"


def etag_header(task):
    """Response headers carrying the task's ETag."""
    return {"ETag": f'"{etag_of(task)}"'}


def not_modified_response(task):
    """A 304 when If-None-Match names the current ETag, else None."""
    if request.if_none_match.contains(etag_of(task)):
        response = make_response("", 304)
        response.headers.update(etag_header(task))
        return response
    return None


def require_if_match(task):
    """Refuse a write whose If-Match names another version; no If-Match lets the write go ahead.

    :raises 412: If-Match given and not matching the current ETag
    """
    if "If-Match" in request.headers and not request.if_match.contains(etag_of(task)):
        abort(412, message=PRECONDITION_FAILED)
