"""Operational probes: liveness and readiness."""

from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import text

from taskapi.api import Blueprint
from taskapi.errors import problem
from taskapi.extensions import db

bp = Blueprint("ops", __name__, description="Health probes")


class StatusSchema(Schema):
    """A probe's answer."""

    status = fields.String(metadata={"example": "ok"})


@bp.route("/healthz")
class Health(MethodView):
    @bp.response(200, StatusSchema)
    def get(self):
        """200 while the process is up."""
        return {"status": "ok"}


@bp.route("/readyz")
class Ready(MethodView):
    @bp.response(200, StatusSchema)
    @bp.alt_response(503, description="The database does not answer")
    def get(self):
        """200 when the database answers a query, 503 problem document otherwise."""
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # any failure to reach the database means "not ready"
            db.session.rollback()
            return problem(503, "The database does not answer")
        return {"status": "ok"}
