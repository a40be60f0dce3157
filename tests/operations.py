"""The operations of taskapi's own /openapi.json, for tests parametrized over every route.

The spec is read once, at import, from a throwaway app; a route added tomorrow is in these lists
the day it is added.
"""

import re
from dataclasses import dataclass

import pytest

from config import TestConfig
from taskapi import create_app
from taskapi.http.api import ADMIN_REQUIRED

PATH_PARAMETER = re.compile(r"\{([^}]+)\}")
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Operation:
    """One method on one path of /openapi.json, with what a test needs to know about it."""

    method: str
    path: str  # the template, as in the spec: /tasks/{task_id}
    secured: bool  # has an operation-level ``security`` requirement
    admin_only: bool  # documents a 403 "Admin privileges required"
    body: str | None  # "json", "form" or None
    query: tuple[str, ...]  # names of its query parameters
    path_parameters: tuple[str, ...]
    reauthentication: str | None = None  # x-reauthentication: the purpose its current_password is checked for

    def __str__(self):
        return f"{self.method} {self.path}"

    def url(self, ids=1):
        """A concrete path: each ``{name}`` filled from ``ids`` (a dict by name, or one value for all)."""
        def fill(match):
            value = ids[match.group(1)] if isinstance(ids, dict) else ids
            return str(value)
        return PATH_PARAMETER.sub(fill, self.path)


def operations_of(spec):
    """Every operation in an OpenAPI document, in the document's order."""
    found = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            parameters = shared + operation.get("parameters", [])
            content = operation.get("requestBody", {}).get("content", {})
            body = "json" if "application/json" in content else "form" if FORM in content else None
            forbidden = operation.get("responses", {}).get("403", {}).get("description", "")
            found.append(Operation(
                method=method.upper(), path=path, secured=bool(operation.get("security")),
                admin_only=forbidden == ADMIN_REQUIRED, body=body,
                query=tuple(p["name"] for p in parameters if p["in"] == "query"),
                path_parameters=tuple(p["name"] for p in parameters if p["in"] == "path"),
                reauthentication=operation.get("x-reauthentication"),
            ))
    return found


def read_spec():
    """/openapi.json of an app on an in-memory database."""
    app = create_app(type("SpecConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    return app.test_client().get("/openapi.json").get_json()


SPEC = read_spec()
OPERATIONS = operations_of(SPEC)


def operations(**wanted):
    """The operations whose attributes equal ``wanted`` (``secured=True, body="json"``...)."""
    return [op for op in OPERATIONS if all(getattr(op, name) == value for name, value in wanted.items())]


def params(selected):
    """``selected`` as pytest parameters named "METHOD /path"."""
    return [pytest.param(op, id=str(op)) for op in selected]
