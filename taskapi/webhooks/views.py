"""Webhook routes under /projects/{project_id}/webhooks: every one for the project's admins only."""

from flask import request
from flask.views import MethodView
from flask_jwt_extended import current_user
from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.http.pagination import PageArgsSchema, SortKey, fetch_page, paged
from taskapi.http.scopes import Scope
from taskapi.models import ProjectRole, Webhook, WebhookDelivery
from taskapi.projects.access import project_for
from taskapi.webhooks import bp
from taskapi.webhooks.endpoints import (
    change_webhook,
    create_webhook,
    delivery_of,
    ping,
    redeliver,
    rotate_secret,
    webhook_in,
)
from taskapi.webhooks.schemas import (
    DeliverySchema,
    SecretSchema,
    WebhookCreateSchema,
    WebhookPatchSchema,
    WebhookSchema,
    WebhookWithSecretSchema,
)

PROJECT = "/<int(max=2147483647):project_id>/webhooks"
WEBHOOK = PROJECT + "/<int(max=2147483647):webhook_id>"
WEBHOOKS_BY_ID = SortKey("id", Webhook.id, value_types=(int,))
NEWEST_FIRST = SortKey("newest", WebhookDelivery.id, descending=True, value_types=(int,))
FORBIDDEN = "A member of the project who is not its admin"
NOT_FOUND = "No such project (or not a member), webhook or delivery"
INACTIVE = "The webhook is switched off"


@bp.view_arg_loader("project_id", "project")
def admin_project(project_id):
    """The project, if the caller is its admin (views receive it as ``project``).

    :raises 404: no such project, or the caller is not a member
    :raises 403: a member who is not an admin
    """
    return project_for(project_id, current_user, ProjectRole.ADMIN)[0]


@bp.view_arg_loader("webhook_id", "webhook")
def project_webhook(webhook_id):
    """The project's webhook with this id (views receive it as ``webhook``); 404 otherwise."""
    return webhook_in(request.view_args["project"], webhook_id)


@bp.view_arg_loader("delivery_id", "delivery")
def webhook_delivery(delivery_id):
    """The webhook's delivery with this id (views receive it as ``delivery``); 404 otherwise."""
    return delivery_of(request.view_args["webhook"], delivery_id)


def guarded(scope):
    """protected() with the scope, plus the 403 and 404 every webhook route can answer."""
    def decorator(view):
        view = bp.alt_response(404, description=NOT_FOUND)(view)
        view = bp.alt_response(403, description=FORBIDDEN)(view)
        return bp.protected(scope=scope)(view)
    return decorator


@bp.route(PROJECT, strict_slashes=False)
class Webhooks(MethodView):
    @guarded(Scope.PROJECTS_READ)
    @bp.arguments(PageArgsSchema, location="query")
    @bp.response(200, WebhookSchema(many=True))
    @paged
    def get(self, args, project):
        """The project's webhooks, oldest first, paged (never their secrets)."""
        conditions = (Webhook.project_id == project.id,)
        total = db.session.scalar(select(func.count()).select_from(Webhook).where(*conditions))
        page = fetch_page(db.session, select(Webhook).where(*conditions), WEBHOOKS_BY_ID, args, total,
                          lambda webhook: (webhook.id,))
        return page.rows, page

    @guarded(Scope.PROJECTS_WRITE)
    @bp.arguments(WebhookCreateSchema)
    @bp.response(201, WebhookWithSecretSchema)
    def post(self, data, project):
        """Add a webhook; the answer holds its signing secret, shown this once."""
        webhook, secret = create_webhook(project, data, current_user)
        webhook.secret = secret  # a plain attribute for this answer only: never stored in clear
        return webhook


@bp.route(WEBHOOK, strict_slashes=False)
class WebhookById(MethodView):
    @guarded(Scope.PROJECTS_READ)
    @bp.response(200, WebhookSchema)
    def get(self, project, webhook):
        """One webhook (never its secret)."""
        return webhook

    @guarded(Scope.PROJECTS_WRITE)
    @bp.arguments(WebhookPatchSchema)
    @bp.response(200, WebhookSchema)
    def patch(self, data, project, webhook):
        """Change a webhook's URL, events, description, or switch it on or off."""
        change_webhook(webhook, data)
        return webhook

    @guarded(Scope.PROJECTS_WRITE)
    @bp.response(204)
    def delete(self, project, webhook):
        """Delete a webhook and its deliveries."""
        db.session.delete(webhook)


@bp.route(WEBHOOK + "/rotate-secret", methods=["POST"], strict_slashes=False)
@guarded(Scope.PROJECTS_WRITE)
@bp.response(200, SecretSchema)
def rotate_webhook_secret(project, webhook):
    """A new signing secret; for 24 hours deliveries carry signatures with the old and the new one."""
    secret = rotate_secret(webhook)
    document = {"secret": secret, "previous_secret_expires_at": webhook.previous_secret_expires_at}
    return document


@bp.route(WEBHOOK + "/ping", methods=["POST"], strict_slashes=False)
@guarded(Scope.PROJECTS_WRITE)
@bp.response(202, DeliverySchema)
@bp.alt_response(409, description=INACTIVE)
def ping_webhook(project, webhook):
    """Send a webhook.ping delivery (whatever the webhook subscribes to); the answer is the queued delivery."""
    delivery = ping(webhook, current_user)
    return delivery


@bp.route(WEBHOOK + "/deliveries", strict_slashes=False)
@guarded(Scope.PROJECTS_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, DeliverySchema(many=True))
@paged
def list_deliveries(args, project, webhook):
    """The webhook's deliveries, newest first, paged."""
    conditions = (WebhookDelivery.webhook_id == webhook.id,)
    total = db.session.scalar(select(func.count()).select_from(WebhookDelivery).where(*conditions))
    page = fetch_page(db.session, select(WebhookDelivery).where(*conditions), NEWEST_FIRST, args, total,
                      lambda delivery: (delivery.id,))
    return page.rows, page


@bp.route(WEBHOOK + "/deliveries/<int(max=2147483647):delivery_id>/redeliver", methods=["POST"],
          strict_slashes=False)
@guarded(Scope.PROJECTS_WRITE)
@bp.response(202, DeliverySchema)
@bp.alt_response(409, description=INACTIVE)
def redeliver_delivery(project, webhook, delivery):
    """Send a delivery again now, with the same webhook-id."""
    redeliver(webhook, delivery)
    return delivery
