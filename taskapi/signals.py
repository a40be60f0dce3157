"""Domain signals (blinker): a change is announced once; storage, outboxes and notices subscribe."""

from enum import StrEnum

from blinker import Namespace

NAMESPACE = Namespace()

# Sent (through announce()) by the service that changed a project or one of its tasks, inside the
# request's transaction, before it commits. ``data`` is the document a project member would read.
# Receivers write to the session (an audit row, a webhook outbox row) and never commit.
project_event = NAMESPACE.signal("project-event")


class ProjectEventType(StrEnum):
    """What happened in a project: the audit trail's and the webhooks' vocabulary."""

    PROJECT_CREATED = "project.created"
    PROJECT_UPDATED = "project.updated"
    PROJECT_DELETED = "project.deleted"
    MEMBER_ADDED = "member.added"
    MEMBER_REMOVED = "member.removed"
    MEMBER_ROLE_CHANGED = "member.role_changed"
    INVITATION_CREATED = "invitation.created"
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_DECLINED = "invitation.declined"
    INVITATION_REVOKED = "invitation.revoked"
    TASK_CREATED = "task.created"
    TASK_UPDATED = "task.updated"
    TASK_COMPLETED = "task.completed"
    TASK_DELETED = "task.deleted"
    WEBHOOK_PING = "webhook.ping"
    WEBHOOK_DISABLED = "webhook.disabled"  # by taskapi itself (410 Gone, or too many failures): no actor


def announce(project_id: int, event: ProjectEventType, *, actor_id: int | None, data: dict,
             subject_id: int | None = None) -> None:
    """Send ``project_event`` for one change; ``subject_id`` is the user it concerns (a member, an invitee)."""
    project_event.send(project_id, type=event, actor_id=actor_id, data=data, subject_id=subject_id)
