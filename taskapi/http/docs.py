"""API documentation: Swagger UI from local files, and an apispec plugin for error responses.

Every route gets the same treatment centrally, so routes added later are documented alike:
each error response is an RFC 9457 problem document (``application/problem+json``).
"""

from http import HTTPStatus

from apispec import BasePlugin
from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}

assets = Blueprint("docs_assets", __name__)


@assets.route("/docs/static/<path:filename>")
def swagger_ui_asset(filename):
    """Swagger UI's own files, from the swagger-ui-bundle package (no CDN)."""
    return send_from_directory(swagger_ui_path, filename, max_age=3600)


def is_error_status(status):
    """True for ``default`` and every 4xx/5xx status key of an OpenAPI responses object."""
    return str(status) == "default" or int(status) >= 400


class ProblemDocumentsPlugin(BasePlugin):
    """Documents every error response of every operation as a problem document."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        """Replace the content of each error response with the Problem schema."""
        for operation in (operations or {}).values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            for status, response in list(responses.items()):
                if not is_error_status(status):
                    continue
                if not isinstance(response, dict):  # a reference to a shared response
                    phrase = "Error" if str(status) == "default" else HTTPStatus(int(status)).phrase
                    response = {"description": f"{phrase} (problem document)"}
                response.pop("$ref", None)
                response.setdefault("description", "Error (problem document)")
                response["content"] = dict(PROBLEM_CONTENT)
                responses[status] = response
