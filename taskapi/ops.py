"""Operational probes: liveness and readiness."""

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import text

from taskapi.extensions import db
from taskapi.http.api import Blueprint
from taskapi.http.problems import problem

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
    @bp.alt_response(503, description="The database (or Redis, when configured) does not answer")
    def get(self):
        """200 when the database (and Redis, when REDIS_URL is set) answers, 503 problem document otherwise."""
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # any failure to reach the database means "not ready"
            db.session.rollback()
            return problem(503, "The database does not answer")
        if current_app.config.get("REDIS_URL") and not redis_answers(current_app.config["REDIS_URL"]):
            return problem(503, "Redis does not answer")
        return {"status": "ok"}


def redis_answers(url):
    """True when Redis at ``url`` answers PING within a second."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False
