"""Switching off an endpoint that is gone (410) or keeps failing: an audit event, a log line, a mail to the admins."""

import logging
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update

from taskapi.extensions import db
from taskapi.http.fields import utc_timestamp
from taskapi.jobs import job
from taskapi.mail.messages import send_webhook_disabled_mail
from taskapi.models import (
    DeliveryStatus,
    DisabledReason,
    Project,
    ProjectMember,
    ProjectRole,
    User,
    Webhook,
    WebhookDelivery,
    utcnow,
)
from taskapi.signals import ProjectEventType, announce
from taskapi.webhooks.queueing import queue_after_commit

log = logging.getLogger("taskapi.webhooks")
OPEN = (DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value)
WEBHOOK_DISABLED = "webhook disabled"


def record_failed_delivery(webhook: Webhook) -> None:
    """Count one more delivery that failed for good; at WEBHOOK_DISABLE_AFTER in a row, disable the webhook."""
    webhook.failures_in_a_row = Webhook.failures_in_a_row + 1  # one UPDATE: concurrent jobs cannot lose a count
    db.session.flush()
    if webhook.failures_in_a_row >= current_app.config["WEBHOOK_DISABLE_AFTER"]:
        disable_webhook(webhook, gone=False)


def disable_webhook(webhook: Webhook, *, gone: bool) -> None:
    """Switch ``webhook`` off (410 Gone, or too many failures), end its open deliveries, record it, mail the admins."""
    if not webhook.active:
        return
    reason = DisabledReason.GONE if gone else DisabledReason.FAILING
    webhook.active = False
    webhook.disabled_reason = reason.value
    webhook.disabled_at = utcnow()
    db.session.flush()
    db.session.execute(update(WebhookDelivery).where(
        WebhookDelivery.webhook_id == webhook.id, WebhookDelivery.status.in_(OPEN),
    ).values(status=DeliveryStatus.FAILED.value, next_attempt_at=None, claimed_by=None,
             last_error=WEBHOOK_DISABLED), execution_options={"synchronize_session": False})
    log.warning("webhook %s of project %s disabled: %s", webhook.id, webhook.project_id, reason, extra={"fields": {
        "event": "webhook.disabled", "webhook_id": webhook.id, "project_id": webhook.project_id,
        "reason": reason.value}})
    announce(webhook.project_id, ProjectEventType.WEBHOOK_DISABLED, actor_id=None, data=disabled_document(webhook))
    queue_after_commit(mail_webhook_disabled, webhook.id)


def disabled_document(webhook: Webhook) -> dict:
    """What the audit trail keeps of a disabling: the webhook, why, and its URL's host (a path may hold a token)."""
    return {"webhook_id": webhook.id, "reason": webhook.disabled_reason, "host": endpoint_host(webhook.url),
            "failures_in_a_row": webhook.failures_in_a_row, "disabled_at": utc_timestamp(webhook.disabled_at)}


def endpoint_host(url: str) -> str:
    """The host of a webhook's URL, without user info, port, path or query."""
    return urlsplit(url).hostname or "?"


def project_admins(project_id):
    """The active admins of a project who have an email address."""
    return db.session.scalars(select(User).join(ProjectMember, ProjectMember.user_id == User.id).where(
        ProjectMember.project_id == project_id, ProjectMember.role == ProjectRole.ADMIN.value,
        User.is_active.is_(True), User.email.is_not(None)).order_by(User.id)).all()


@job
def mail_webhook_disabled(webhook_id):
    """Mail each admin of the webhook's project that it was switched off, and why (never its URL's path or secret)."""
    webhook = db.session.get(Webhook, webhook_id)
    project = db.session.get(Project, webhook.project_id) if webhook is not None else None
    if project is None or webhook.active:
        return
    host = endpoint_host(webhook.url)
    for user in project_admins(project.id):
        send_webhook_disabled_mail(user, project.name, webhook.id, host, webhook.disabled_reason)
