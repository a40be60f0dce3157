"""The verbs on a project's webhooks: create, change, rotate the secret, ping, redeliver."""

from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.models import DeliveryStatus, Project, User, Webhook, WebhookDelivery, utcnow
from taskapi.signals import ProjectEventType
from taskapi.webhooks.outbox import add_delivery, send_after_commit
from taskapi.webhooks.signing import ROTATION_OVERLAP, encrypt_secret, new_secret

WEBHOOK_NOT_FOUND = "Webhook not found"
DELIVERY_NOT_FOUND = "Delivery not found"
WEBHOOK_INACTIVE = "The webhook is switched off: PATCH it with active true first"


def webhook_in(project: Project, webhook_id: int) -> Webhook:
    """The project's webhook with this id.

    :raises DomainError 404: no such webhook in this project
    """
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None or webhook.project_id != project.id:
        raise DomainError(404, WEBHOOK_NOT_FOUND)
    return webhook


def delivery_of(webhook: Webhook, delivery_id: int) -> WebhookDelivery:
    """The webhook's delivery with this id.

    :raises DomainError 404: no such delivery of this webhook
    """
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.webhook_id != webhook.id:
        raise DomainError(404, DELIVERY_NOT_FOUND)
    return delivery


def create_webhook(project: Project, data: dict, actor: User) -> tuple[Webhook, str]:
    """A new active webhook (flushed) and its signing secret in clear, to be shown this once."""
    secret = new_secret()
    webhook = Webhook(project_id=project.id, url=data["url"], events=data["events"],
                      description=data.get("description"), active=True, secret_encrypted=encrypt_secret(secret),
                      failures_in_a_row=0, created_by=actor.id)
    db.session.add(webhook)
    db.session.flush()
    return webhook, secret


def change_webhook(webhook: Webhook, changes: dict) -> Webhook:
    """Apply a PATCH; switching a webhook back on clears its failure count and the reason it was off."""
    for field in ("url", "events", "description"):
        if field in changes:
            setattr(webhook, field, changes[field])
    if changes.get("active") is True and not webhook.active:
        webhook.active, webhook.failures_in_a_row = True, 0
        webhook.disabled_reason = webhook.disabled_at = None
    elif changes.get("active") is False:
        webhook.active = False
    db.session.flush()
    return webhook


def rotate_secret(webhook: Webhook) -> str:
    """Give ``webhook`` a new secret; the old one keeps signing beside it for 24 hours. Returns the new one."""
    secret = new_secret()
    webhook.previous_secret_encrypted = webhook.secret_encrypted
    webhook.previous_secret_expires_at = utcnow() + ROTATION_OVERLAP
    webhook.secret_encrypted = encrypt_secret(secret)
    db.session.flush()
    return secret


def ping(webhook: Webhook, actor: User) -> WebhookDelivery:
    """Store a ``webhook.ping`` delivery (whatever the webhook subscribes to).

    :raises DomainError 409: the webhook is switched off
    """
    if not webhook.active:
        raise DomainError(409, WEBHOOK_INACTIVE)
    return add_delivery(webhook.id, ProjectEventType.WEBHOOK_PING, {
        "webhook_id": webhook.id, "project_id": webhook.project_id, "requested_by": actor.id})


def redeliver(webhook: Webhook, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send ``delivery`` again now, with its webhook-id, whatever its status.

    :raises DomainError 409: the webhook is switched off
    """
    if not webhook.active:
        raise DomainError(409, WEBHOOK_INACTIVE)
    delivery.status = DeliveryStatus.PENDING.value
    delivery.next_attempt_at = utcnow()
    delivery.claimed_by = None
    db.session.flush()
    send_after_commit(delivery.id)
    return delivery

