"""flask-smorest Api and Blueprint that speak RFC 9457 problem documents."""

import marshmallow as ma
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser, abort

from taskapi.errors import problem_from_http_exception

JSON_MIMETYPES = {"application/json"}


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


class ApiParser(FlaskParser):
    """Webargs parser that refuses a non-JSON body where JSON is expected."""

    def load_json(self, req, schema):
        """Parse the JSON body; a body of another media type is a 400, not a silent {}."""
        has_body = bool(req.content_length) or bool(req.get_data(cache=True))
        if has_body and not (req.mimetype in JSON_MIMETYPES or req.mimetype.endswith("+json")):
            abort(400, message="Request body must be JSON (Content-Type: application/json)")
        return super().load_json(req, schema)


class Blueprint(SmorestBlueprint):
    """Blueprint whose request arguments go through ApiParser."""

    ARGUMENTS_PARSER = ApiParser()


class ProblemApi(Api):
    """Api whose HTTP errors (including webargs 422s) are problem documents."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        """Turn any HTTPException into a problem document."""
        return problem_from_http_exception(error)

    def _openapi_json(self):
        """Serve the OpenAPI document, finished by taskapi.docs (problem documents, 401s)."""
        import flask

        from taskapi.docs import finish_spec

        return flask.current_app.response_class(
            flask.json.dumps(finish_spec(self.spec.to_dict()), indent=2, sort_keys=False),
            mimetype="application/json",
        )
