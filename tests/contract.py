"""Every response a test receives from a documented operation is checked against /openapi.json.

The rule: a response is checked when its request's method and path match an operation of the
document (``tests.operations.SPEC``). Everything else is skipped on purpose: the account pages,
static files, Swagger UI and /openapi.json itself, HEAD and OPTIONS, and a method a path does not
serve (that 405 belongs to no operation). A checked response must

- have a status the operation lists by number (``default`` covers only a 500),
- pass openapi-core 0.23.1: content type, body, and every declared header, required ones present,
- declare, for that status, each header a client may read that it carries (``CLIENT_HEADERS``):
  openapi-core ignores undeclared headers, so without this a header could drift out of the document.

A violation raises ``ContractViolation`` inside the test. A test that must receive an undocumented
answer on purpose says so with ``@pytest.mark.contract_exempt("why")``.
"""

import json
import re
from dataclasses import dataclass
from functools import cache

from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from taskapi.http.headers import EXPOSED_HEADERS
from tests.operations import SPEC

# The headers a client may read (the CORS-exposed ones) and the 401 challenge.
CLIENT_HEADERS = frozenset(name.lower() for name in (*EXPOSED_HEADERS, "WWW-Authenticate"))
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
PROBLEM_JSON = "application/problem+json"


class ContractViolation(AssertionError):
    """A response that /openapi.json does not describe."""


@dataclass
class ContractState:
    """Whether the running test is checked (an autouse fixture sets it) and how many responses were."""

    enabled: bool = True
    checked: int = 0


STATE = ContractState()


@cache
def openapi():
    """openapi-core's view of the spec, built once per process, with problem documents parsed as JSON."""
    config = Config(extra_media_type_deserializers={PROBLEM_JSON: json.loads})
    return OpenAPI.from_dict(SPEC, config=config)


@cache
def path_patterns():
    """(compiled regex, template) for every path of the spec; fixed paths first so /users/me beats /users/{id}."""
    patterns = []
    for template in SPEC["paths"]:
        regex = re.escape(template)
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", regex)
        patterns.append((template.count("{"), re.compile(f"^{regex}/?$"), template))
    return [(regex, template) for _, regex, template in sorted(patterns, key=lambda item: item[0])]


def operation_of(method, path):
    """(template, operation) documented for ``method`` on ``path``, or None."""
    for regex, template in path_patterns():
        if regex.match(path):
            operation = SPEC["paths"][template].get(method.lower())
            if operation is not None:
                return template, operation
    return None


@dataclass
class SentRequest:
    """What openapi-core needs of the request to find the operation (the body is not read again)."""

    host_url: str
    path: str
    method: str
    parameters: object
    body: bytes = b""
    content_type: str = "application/octet-stream"


def declared_headers(operation, status):
    """The lower-cased header names the operation declares for ``status``."""
    response = operation["responses"].get(str(status)) or operation["responses"].get("default") or {}
    if "$ref" in response:  # a shared response
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return {name.lower() for name in response.get("headers", {})}


def violations(method, path, request, response):
    """Why ``response`` breaks the document (empty when it does not), or None when no operation is documented."""
    found = operation_of(method, path)
    if found is None:
        return None
    template, operation = found
    where = f"{method} {path} ({template}) answered {response.status_code}"
    problems = []
    if str(response.status_code) not in operation["responses"] and response.status_code != 500:
        problems.append(f"{where}: status {response.status_code} is not documented "
                        f"(documented: {', '.join(sorted(operation['responses']))})")
    undeclared = {name for name, _ in response.headers if name.lower() in CLIENT_HEADERS}
    declared = declared_headers(operation, response.status_code)
    undeclared = sorted(name for name in undeclared if name.lower() not in declared)
    if undeclared:
        problems.append(f"{where}: header(s) {', '.join(undeclared)} not declared for this status")
    parameters_request = SentRequest(
        host_url=request.host_url, path=path.rstrip("/") or "/", method=method.lower(),  # /tasks/ is /tasks
        parameters=_parameters(request), content_type=request.content_type or "application/octet-stream")
    try:
        openapi().validate_response(parameters_request, WerkzeugOpenAPIResponse(response))
    except Exception as error:  # noqa: BLE001  (openapi-core's errors share no narrower base worth naming)
        problems.append(f"{where}: {describe(error)}\n  body: {response.get_data(as_text=True)[:500]}")
    return problems


def _parameters(request):
    return RequestParameters(query=ImmutableMultiDict(request.args), header=Headers(request.headers),
                             cookie=request.cookies)


def describe(error):
    """openapi-core's error with its causes (the schema errors are in ``__cause__`` and ``schema_errors``)."""
    parts = [f"{type(error).__name__}: {error}"]
    cause = error.__cause__
    while cause is not None:
        parts.append(f"{type(cause).__name__}: {cause}")
        for schema_error in getattr(cause, "schema_errors", ()) or ():
            parts.append(f"  - {getattr(schema_error, 'message', schema_error)} at "
                         f"{'/'.join(map(str, getattr(schema_error, 'path', ())))}")
        cause = cause.__cause__
    return "\n  ".join(parts)


def check(response):
    """Raise ContractViolation if ``response`` (a test client's answer) breaks /openapi.json."""
    request = response.request
    method = request.method
    if method in SKIPPED_METHODS:
        return
    path = request.root_path + request.path
    problems = violations(method, path, request, response)
    if problems is None:
        return
    STATE.checked += 1
    if problems:
        raise ContractViolation("\n".join(problems))


class ContractClient(FlaskClient):
    """Flask's test client, checking every response of a documented operation against /openapi.json."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if STATE.enabled:
            for answer in (*response.history, response):
                check(answer)
        return response
