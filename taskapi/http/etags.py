"""Strong ETags from a row's version; conditional reads (304) and writes (412), enforced and documented.

``conditional_read(name)`` and ``conditional_write(name)`` decorate a view whose path object
``name`` (a row with ``id`` and ``version``, loaded by a ``view_arg_loader``) is the resource: they
check If-None-Match / If-Match before the view runs and declare the headers, parameters and
statuses in /openapi.json (tests/contract.py holds every answer to that).
"""

from functools import wraps

from flask import make_response, request
from flask_smorest import abort

from taskapi.http.contract import documents, header_parameters, headers

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


def conditional_read(name, status=200):
    """Answer 304 (no body) when If-None-Match names the current ETag of path object ``name``; document it.

    The view's ``status`` answer carries the ETag.
    """
    def decorator(view):
        @wraps(view)
        def read(*args, **kwargs):
            return not_modified_response(kwargs[name]) or view(*args, **kwargs)

        return documents(
            responses={status: {"headers": headers("ETag")},
                       304: {"description": "Not Modified: If-None-Match names the current ETag",
                             "headers": headers("ETag")}},
            parameters=header_parameters("If-None-Match"))(read)
    return decorator


def conditional_write(name, status=200):
    """Refuse (412) a write whose If-Match names another version of path object ``name``; document it.

    ``status`` is the success answer that carries the new ETag (None when it has no body, like a 204).
    A concurrent write that wins the race between read and write makes this one a 409 (or a 412
    with If-Match; taskapi/http/problems.py).
    """
    def decorator(view):
        @wraps(view)
        def write(*args, **kwargs):
            require_if_match(kwargs[name])
            return view(*args, **kwargs)

        responses = {412: {"description": "If-Match does not match the current ETag"},
                     409: {"description": "Changed by a concurrent request; read it again and retry"}}
        if status is not None:
            responses[status] = {"headers": headers("ETag")}
        return documents(responses=responses, parameters=header_parameters("If-Match"))(write)
    return decorator
