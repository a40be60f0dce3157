"""The send job: claim a due delivery, make one try through the guarded client, record what happened.

A job claims its row with one UPDATE that moves ``next_attempt_at`` to the end of a lease and
names the job in ``claimed_by``: of several jobs for one row (the after-commit job, the
sweeper's, a consumer's requeued copy) one sends. A job requeued after its consumer died keeps
its id and may take its row back at once; any other waits for the lease to end. No database
transaction stays open during the HTTP request. Delivery is at least once, and every try of a
delivery carries the same ``webhook-id``. A detached delivery (its project was deleted, see
taskapi/webhooks/detaching.py) is sent from its own copy of the URL and secrets; with no
webhook left, its failures count toward nothing and a 410 disables nothing.
"""

import logging
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, update

from taskapi.db.unit_of_work import after_commit, write_apart
from taskapi.extensions import db
from taskapi.jobs import current_job_id, job
from taskapi.models import DeliveryStatus, Webhook, WebhookDelivery, utcnow
from taskapi.webhooks import client
from taskapi.webhooks.addresses import allowed_networks
from taskapi.webhooks.disabling import OPEN, WEBHOOK_DISABLED, disable_webhook, record_failed_delivery
from taskapi.webhooks.queueing import queue_later
from taskapi.webhooks.signing import delivery_headers

log = logging.getLogger("taskapi.webhooks")
LEASE_MARGIN_SECONDS = 60  # beyond the request timeout, before another job may take the row


def claim(delivery_id, claimant):
    """Take the row for one try if it is due (or already ``claimant``'s); True when this job may send.

    The lease is written apart and committed at once: another job must see it while the endpoint answers.
    """
    now = utcnow()
    lease = now + timedelta(seconds=current_app.config["WEBHOOK_TIMEOUT_SECONDS"] + LEASE_MARGIN_SECONDS)
    taken = write_apart(db.session, lambda side: side.execute(update(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.status.in_(OPEN),
        or_(WebhookDelivery.next_attempt_at <= now, WebhookDelivery.claimed_by == claimant),
    ).values(next_attempt_at=lease, claimed_by=claimant)).rowcount)
    return taken == 1


@job
def send_delivery(delivery_id):
    """Make one try of a delivery if it is due; schedule the next try or give up as the outcome says."""
    claimant = current_job_id() or uuid.uuid4().hex
    if not claim(delivery_id, claimant):
        return None
    delivery, webhook = delivery_and_webhook(delivery_id)
    if delivery is None:
        return None
    if webhook is not None and not webhook.active:
        close(delivery, DeliveryStatus.FAILED, error=WEBHOOK_DISABLED)
        return None
    endpoint = webhook or delivery  # a detached delivery carries its webhook's url and encrypted secrets
    url, body = endpoint.url, delivery.body.encode("utf-8")
    try:
        headers = delivery_headers(endpoint, delivery.message_id, delivery.body)
    except ValueError as error:
        headers, outcome = None, client.Outcome(None, str(error))
    db.session.rollback()  # end the read: nothing is locked while the endpoint answers
    if headers is not None:
        config = current_app.config
        outcome = client.post(url, body, headers, timeout=config["WEBHOOK_TIMEOUT_SECONDS"],
                              allowed=allowed_networks(config), config=config)
    return record_outcome(delivery_id, outcome)


def delivery_and_webhook(delivery_id):
    """The delivery and its webhook; (None, None) if either was deleted, (delivery, None) if it is detached."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.webhook_id is None:
        return delivery, None
    webhook = db.session.get(Webhook, delivery.webhook_id)
    return (delivery, webhook) if webhook is not None else (None, None)


def close(delivery, status, *, error=None):
    """End ``delivery`` with ``status`` (no further try)."""
    delivery.status = status.value
    delivery.next_attempt_at = None
    delivery.claimed_by = None
    if error is not None:
        delivery.last_error = error


def record_outcome(delivery_id, outcome):
    """Store one try's outcome and decide: succeeded, retry later, or failed (410 and too many failures disable)."""
    delivery, webhook = delivery_and_webhook(delivery_id)
    if delivery is None:  # deleted while the request ran
        db.session.rollback()
        return None
    now = utcnow()
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:200] if outcome.error else None
    schedule = current_app.config["WEBHOOK_RETRY_SCHEDULE"]
    retry_in = None
    if outcome.succeeded:
        close(delivery, DeliveryStatus.SUCCEEDED)
        delivery.delivered_at = now
        if webhook is not None:
            webhook.failures_in_a_row = 0
    elif outcome.gone:
        close(delivery, DeliveryStatus.FAILED)
        if webhook is not None:
            disable_webhook(webhook, gone=True)
    elif delivery.attempts <= len(schedule):
        retry_in = schedule[delivery.attempts - 1]
        delivery.status = DeliveryStatus.RETRYING.value
        delivery.next_attempt_at = now + timedelta(seconds=retry_in)
        delivery.claimed_by = None
    else:
        close(delivery, DeliveryStatus.FAILED)
        if webhook is not None:
            record_failed_delivery(webhook)
    log.info("webhook delivery %s try %d: %s", delivery.id, delivery.attempts, delivery.status, extra={"fields": {
        "webhook_id": delivery.webhook_id, "delivery_id": delivery.id, "status_code": outcome.status_code,
        "error": delivery.last_error, "delivery_status": delivery.status}})
    if retry_in is not None:
        after_commit(db.session, lambda: queue_later(send_delivery, delivery_id, delay=retry_in))
    return delivery.status
