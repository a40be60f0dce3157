"""Periodic jobs: send deliveries whose job was lost (stranded), and forget old deliveries."""

from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import delete, select

from taskapi.extensions import db
from taskapi.jobs import enqueue, periodic_job
from taskapi.models import DeliveryStatus, WebhookDelivery, utcnow
from taskapi.webhooks.delivery import OPEN, send_delivery

# A due row is left to its own job for this long before the sweeper queues another (they cannot
# both send: see the claim in delivery.py), so a busy queue does not fill with duplicates.
STRANDED_AFTER = timedelta(seconds=60)
SWEEP_BATCH = 500


@periodic_job(crontab())
def sweep_webhook_deliveries():
    """Every minute: queue a send job for each delivery overdue by more than a minute."""
    return queue_stranded(utcnow() - STRANDED_AFTER)


def queue_stranded(due_before) -> int:
    """Queue a send job for each open delivery due before ``due_before`` (at most SWEEP_BATCH); returns how many."""
    ids = db.session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.status.in_(OPEN), WebhookDelivery.next_attempt_at <= due_before,
    ).order_by(WebhookDelivery.next_attempt_at).limit(SWEEP_BATCH)).all()
    db.session.rollback()  # end the read: no transaction stays open while jobs are stored
    for delivery_id in ids:
        enqueue(send_delivery, delivery_id)
    return len(ids)


@periodic_job(crontab(hour="3", minute="47"))
def purge_webhook_deliveries():
    """Daily: delete finished deliveries older than WEBHOOK_DELIVERY_RETENTION_DAYS; returns how many."""
    cutoff = utcnow() - timedelta(days=current_app.config["WEBHOOK_DELIVERY_RETENTION_DAYS"])
    removed = db.session.execute(delete(WebhookDelivery).where(
        WebhookDelivery.created_at < cutoff,
        WebhookDelivery.status.in_((DeliveryStatus.SUCCEEDED.value, DeliveryStatus.FAILED.value)))).rowcount
    return removed
