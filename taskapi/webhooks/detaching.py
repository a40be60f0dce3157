"""Deliveries that outlive their webhook: a project's deletion detaches its webhooks' open deliveries.

Deleting a project deletes its webhooks, and the cascade would take their deliveries along,
``project.deleted`` itself included. Just before, in the same transaction, each open delivery of
an active webhook of the project gets a copy of the webhook's URL and encrypted secrets and
loses its ``webhook_id``: the cascade passes it by, and the send job signs and posts it from the
copy, with the same client, retries and retention as any delivery.
"""

from typing import cast

from sqlalchemy import CursorResult, select, update

from taskapi.extensions import db
from taskapi.models import Webhook, WebhookDelivery
from taskapi.webhooks.disabling import OPEN

COPIED = ("url", "secret_encrypted", "previous_secret_encrypted", "previous_secret_expires_at")


def detach_open_deliveries(project_id: int) -> int:
    """Detach every open delivery of the project's active webhooks; returns how many."""
    own_webhook = Webhook.id == WebhookDelivery.webhook_id
    copies = {name: select(getattr(Webhook, name)).where(own_webhook).scalar_subquery() for name in COPIED}
    # SET reads the row as it was: the copies still find the webhook while webhook_id turns NULL.
    return cast(CursorResult, db.session.execute(update(WebhookDelivery).where(
        WebhookDelivery.status.in_(OPEN),
        WebhookDelivery.webhook_id.in_(select(Webhook.id).where(Webhook.project_id == project_id,
                                                                Webhook.active.is_(True))),
    ).values(webhook_id=None, **copies), execution_options={"synchronize_session": False})).rowcount
