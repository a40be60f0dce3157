"""Operational probes: liveness and readiness."""


from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import text

from taskapi.db.drivers import storage_errors
from taskapi.extensions import db
from taskapi.http.api import Blueprint
from taskapi.http.problems import problem
from taskapi.jobs import current_jobs
from taskapi.jobs.reliability import queue_status

bp = Blueprint("ops", __name__, description="Health probes")


class StatusSchema(Schema):
    """A probe's answer."""

    status = fields.String(metadata={"example": "ok"})


class JobsStatusSchema(Schema):
    """The job queue as readiness sees it."""

    storage = fields.String(metadata={"description": "sqlite or redis"})
    queued = fields.Integer(metadata={"description": "jobs waiting for a consumer"})
    consumers = fields.Integer(metadata={"description": "consumers with a recent heartbeat; 0: jobs wait"})


class ReadySchema(StatusSchema):
    """Readiness: the database (and Redis) answer; the queue's state."""

    jobs = fields.Nested(JobsStatusSchema)


@bp.route("/healthz")
class Health(MethodView):
    @bp.response(200, StatusSchema)
    def get(self):
        """200 while the process is up."""
        return {"status": "ok"}


@bp.route("/readyz")
class Ready(MethodView):
    @bp.response(200, ReadySchema)
    @bp.alt_response(503, description="The database, the job queue's storage or Redis (when configured) "
                                      "does not answer")
    def get(self):
        """200 when the database, the job queue (and Redis) answer, with the number of live consumers."""
        if not database_answers():
            return problem(503, "The database does not answer")
        if current_app.config.get("REDIS_URL") and not redis_answers(current_app.config["REDIS_URL"]):
            return problem(503, "Redis does not answer")
        jobs = current_jobs()
        try:
            status = queue_status(jobs.huey, current_app.config["JOBS_CONSUMER_TIMEOUT_SECONDS"])
        except storage_errors(jobs.storage):
            return problem(503, "The job queue does not answer")
        # No consumer is not "not ready": this process still takes requests and queues their jobs.
        return {"status": "ok", "jobs": {"storage": jobs.storage, "queued": status["queued"],
                                         "consumers": status["consumers"]}}


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


def database_answers():
    """True when ``SELECT 1`` succeeds; a pooled connection found dead (after a restart) gets a second try."""
    for _ in range(2):
        try:
            db.session.execute(text("SELECT 1"))
            return True
        except Exception as error:  # any failure to reach the database means "not ready"
            db.session.rollback()
            if not getattr(error, "connection_invalidated", False):
                return False
    return False
