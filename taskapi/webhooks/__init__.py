"""Webhooks: signed project events delivered at least once, from an outbox, through a guarded client."""

from taskapi.http.api import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/projects",
               description="Project webhooks (project admins): signed events, delivered at least once")

from taskapi.webhooks import sweeper, views  # noqa: E402,F401  (registers the views on bp and the jobs)
from taskapi.webhooks.addresses import allowed_networks  # noqa: E402


def init_app(app):
    """Check the webhook settings: a bad CIDR or retry schedule stops the start."""
    allowed_networks(app.config)
    if not all(seconds >= 0 for seconds in app.config["WEBHOOK_RETRY_SCHEDULE"]):
        raise RuntimeError("WEBHOOK_RETRY_SCHEDULE must list seconds (numbers >= 0)")
