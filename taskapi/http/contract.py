"""What /openapi.json promises beyond each view's own decorators: headers, shared statuses, required fields.

A decorator that enforces something (rate limits, paging, conditional requests) declares what a
client then sees with ``documents()``; ``ContractPlugin`` merges those declarations into each
operation and applies the rules every operation shares, so a route added tomorrow is documented
like the others without hand work:

- response codes are strings (a decorator's ``200`` and a view's ``"200"`` are one response);
- every operation may answer 400 (an untrusted Host, or a malformed body) and, with a body, 413:
  shared responses (``SHARED_RESPONSES``), referenced unless the operation describes its own;
- every error response is a problem document;
- an operation whose body has a field marked ``BUDGETED`` may answer 429 (the account's budget);
- every 401 carries ``WWW-Authenticate``, every 429 ``Retry-After``, every answer ``X-Request-ID``;
- a query or header parameter's enum never lists null (a parameter is absent, never null);
- a success body's schema lists every property as ``required`` (a dump always writes them),
  unless the field says ``metadata={"x-optional": True}``; a ``Schema.from_dict`` schema documents
  JSON another library writes (WebAuthn options), so only its ``required=True`` fields are.
"""

from copy import deepcopy
from http import HTTPStatus

from apispec import BasePlugin
from flask_smorest import Blueprint

from taskapi.http.docs import PROBLEM_CONTENT
from taskapi.http.schema_rules import allow_null, drop_null, referenced

SHARED = "#/components/responses/"
# Answers any operation may give, described once (docs/api.md, Conventions), referenced where they apply:
# name -> (description, the headers it always carries beyond the ones every shared answer may).
SHARED_RESPONSES = {
    "BadRequest": ("A Host this API does not serve (TRUSTED_HOSTS), or a request body that is not JSON", ()),
    "ContentTooLarge": ("A request body larger than MAX_CONTENT_LENGTH", ()),
    "ServiceUnavailable": ("The database is unreachable or busy: nothing was changed; retry after Retry-After "
                           "seconds", ("Retry-After",)),
}
CONTRACT = "x-taskapi-contract"  # an operation's declarations, merged and removed by ContractPlugin
OPTIONAL = "x-optional"
BUDGETED = "x-failure-budget"  # a body field whose secret spends the account's failure budget when wrong
INTEGER, TEXT = {"type": "integer"}, {"type": "string"}
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")

HEADERS = {
    "ETag": ("Strong entity tag of the representation; send it back in If-Match or If-None-Match", TEXT),
    "Location": ("URL of the created resource", {"type": "string", "format": "uri"}),
    "Link": ('RFC 8288 links: rel="first", "last", "prev" (page mode) and "next" (an opaque cursor)', TEXT),
    "X-Total-Count": ("Number of items in the whole listing, every page together", INTEGER),
    "Retry-After": ("Seconds to wait before trying again", INTEGER),
    "X-RateLimit-Limit": ("Requests allowed in the window of the limit shown", INTEGER),
    "X-RateLimit-Remaining": ("Requests left in that window after this one", INTEGER),
    "X-RateLimit-Reset": ("When that window ends, in epoch seconds", INTEGER),
    "WWW-Authenticate": ('The Bearer challenge (RFC 6750), with error="invalid_token" for a rejected token', TEXT),
    "X-Request-ID": ("This request's id: the client's own when well formed, else a new one; also in the logs",
                     TEXT),
}
PARAMETERS = {
    "If-None-Match": "An ETag this client holds: when it is current, the answer is 304 with no body",
    "If-Match": "The ETag this write is based on: another version answers 412 and nothing changes",
    "X-Request-ID": "An id for this request (1 to 128 letters, digits, '.', '_' or '-'), echoed and logged",
}


def headers(*names, required=True):
    """OpenAPI header objects for ``names`` (each a key of HEADERS)."""
    return {name: {"description": HEADERS[name][0], "required": required, "schema": dict(HEADERS[name][1])}
            for name in names}


def header_parameters(*names):
    """Optional header parameters for ``names`` (each a key of PARAMETERS), by name."""
    return {name: {"name": name, "in": "header", "required": False, "description": PARAMETERS[name],
                   "schema": {"type": "string"}} for name in names}


def documents(responses=None, parameters=None, every_response_headers=None):
    """Declare what a decorator adds to an operation, merged by ContractPlugin.

    ``responses``: {status: {"description": ..., "headers": {...}}}; a status the operation already
    documents keeps its description and gains the headers. ``parameters``: {name: parameter object}.
    ``every_response_headers``: header objects that may come with any answer of the operation.
    """
    contract = {"responses": {str(status): response for status, response in (responses or {}).items()},
                "parameters": parameters or {}, "every_response_headers": every_response_headers or {}}
    return Blueprint.doc(**{CONTRACT: contract})


def merge(response, addition):
    """``addition`` into ``response``: its description only if there is none, its headers always."""
    if "description" in addition:
        response.setdefault("description", addition["description"])
    response.setdefault("headers", {}).update(deepcopy(addition.get("headers", {})))
    return response


class ContractPlugin(BasePlugin):
    """Merges what decorators declared and applies the rules every operation shares (module docstring)."""

    def init_spec(self, spec):
        """Keep the spec: required fields are set on the schemas that success bodies reference."""
        self.spec = spec
        for name, (description, own_headers) in SHARED_RESPONSES.items():
            # A rate-limited operation's limiter may have run before the body was read: its headers may come.
            shared_headers = {**headers("X-Request-ID"), **headers(*RATE_LIMIT_HEADERS, required=False),
                              **headers(*own_headers)}
            spec.components.response(name, {"description": description, "headers": shared_headers,
                                            "content": deepcopy(PROBLEM_CONTENT)})
        self.requested, self.answered = set(), set()  # schema names used by request and by success bodies
        self.required_before = {}  # schema name -> its own "required", for the schemas given every property
        self.foreign = set()  # Schema.from_dict schemas: they document JSON another library writes
        self.settled = set()  # answered schemas already given their required fields

    def schema_helper(self, name, definition, **kwargs):
        """Note the schemas made by ``Schema.from_dict``: only their fields marked ``required`` are required."""
        schema = kwargs.get("schema")
        schema_class = schema if isinstance(schema, type) else type(schema)
        if schema is not None and getattr(schema_class, "Meta", object).__name__ == "GeneratedMeta":  # from_dict's
            self.foreign.add(name)

    def operation_helper(self, path=None, operations=None, **kwargs):
        """Apply the contract to each operation of ``path``."""
        for operation in (operations or {}).values():
            if isinstance(operation, dict) and "responses" in operation:
                self.complete(operation)

    def complete(self, operation):
        contract = operation.pop(CONTRACT, {})
        responses = {}
        for status, response in operation["responses"].items():
            responses.setdefault(str(status), {}).update(response if isinstance(response, dict) else {})
        for status, addition in contract.get("responses", {}).items():
            merge(responses.setdefault(status, {}), addition)
        has_body = "requestBody" in operation
        responses.setdefault("400", {"$ref": f"{SHARED}BadRequest"})
        # Every operation reads the database, if only to check the caller, so an outage reaches them all.
        responses.setdefault("503", {"$ref": f"{SHARED}ServiceUnavailable"})
        if has_body:
            responses.setdefault("413", {"$ref": f"{SHARED}ContentTooLarge"})
            if self.budgeted(operation["requestBody"]):
                merge(responses.setdefault("429", {}), {"description": "Too many wrong secrets for this account"})
        every = {**headers("X-Request-ID"), **contract.get("every_response_headers", {})}
        for status, response in responses.items():
            if "$ref" in response:
                continue
            if status == "default" or int(status) >= 400:
                response.setdefault("content", deepcopy(PROBLEM_CONTENT))
            merge(response, {"headers": every})
            if status == "401":
                merge(response, {"headers": headers("WWW-Authenticate")})
            if status == "429":
                merge(response, {"headers": headers("Retry-After")})
            if status == "503":
                merge(response, {"headers": headers("Retry-After", required=False)})
        for status, response in responses.items():
            if "$ref" not in response:
                response.setdefault("description", "Error" if status == "default" else HTTPStatus(int(status)).phrase)
        operation["responses"] = responses
        parameters = {**header_parameters("X-Request-ID"), **contract.get("parameters", {})}
        named = {parameter.get("name") for parameter in operation.get("parameters", []) if isinstance(parameter, dict)}
        operation.setdefault("parameters", []).extend(value for name, value in parameters.items() if name not in named)
        for parameter in operation["parameters"]:
            if isinstance(parameter, dict) and "schema" in parameter:
                drop_null(parameter["schema"])
        if has_body:
            self.requested.update(referenced(operation["requestBody"]))
            for name in self.requested & self.required_before.keys():  # a request body uses it after all
                self.restore_required(name)
        for status, response in responses.items():
            if status.startswith("2"):
                self.answered.update(referenced(response.get("content", {})))
        self.require_answered_fields()

    def budgeted(self, body):
        """True when a schema of ``body`` has a property marked BUDGETED."""
        schemas = self.spec.components.schemas
        return any(value.get(BUDGETED) for name in referenced(body) if name in schemas
                   for value in schemas[name].get("properties", {}).values())

    def require_answered_fields(self):
        """Mark every property required in schemas that success bodies use and no request body does."""
        schemas = self.spec.components.schemas
        pending = list(self.answered - self.requested - self.foreign - self.settled)
        while pending:
            name = pending.pop()
            if name in self.settled or name not in schemas:
                continue
            self.settled.add(name)
            properties = schemas[name].get("properties", {})
            for value in properties.values():
                allow_null(value)
            required = [key for key, value in properties.items()
                        if not value.get(OPTIONAL) and not value.get("writeOnly")]  # load_only: never dumped
            if required:
                self.required_before.setdefault(name, schemas[name].get("required"))
                schemas[name]["required"] = required
            pending.extend(referenced(properties) - self.requested - self.foreign)

    def restore_required(self, name):
        """Give schema ``name`` back its own ``required`` list."""
        original = self.required_before.pop(name)
        self.settled.discard(name)
        schema = self.spec.components.schemas[name]
        if original is None:
            schema.pop("required", None)
        else:
            schema["required"] = original

