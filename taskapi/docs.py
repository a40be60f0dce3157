"""API documentation: Swagger UI served from local files, and a finished OpenAPI document.

Every route gets the same treatment centrally, so routes added later are documented alike:
each error response is an RFC 9457 problem document (``application/problem+json``), and each
operation that declares bearer security also documents its 401.
"""

import copy

from flask import Blueprint, send_from_directory

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_CONTENT = {"application/problem+json": {"schema": PROBLEM_REF}}
UNAUTHORIZED = {"description": "Missing, invalid, expired or revoked token", "content": PROBLEM_CONTENT}

assets = Blueprint("docs_assets", __name__)


@assets.route("/docs/static/<path:filename>")
def swagger_ui_asset(filename):
    """Swagger UI's own files, from the swagger-ui-bundle package (no CDN)."""
    from swagger_ui_bundle import swagger_ui_path

    return send_from_directory(swagger_ui_path, filename, max_age=3600)


def finish_spec(spec):
    """A copy of the generated OpenAPI dict with problem documents and 401s filled in."""
    spec = copy.deepcopy(spec)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = schemas.pop("Error", None) or schemas.get("Problem") or {"type": "object"}
    for methods in spec.get("paths", {}).values():
        for method, operation in methods.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                responses.setdefault("401", copy.deepcopy(UNAUTHORIZED))
            for status, response in responses.items():
                if status == "default" or int(status) >= 400:
                    response.pop("$ref", None)
                    response.setdefault("description", "Error (problem document)")
                    response["content"] = copy.deepcopy(PROBLEM_CONTENT)
    spec.setdefault("components", {}).setdefault("responses", {}).pop("DEFAULT_ERROR", None)
    return spec
