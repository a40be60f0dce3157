"""Domain signals (blinker): a change is announced once; storage, outboxes and notices subscribe."""

from enum import StrEnum

from blinker import Namespace

NAMESPACE = Namespace()

# Sent (through announce()) by the service that changed a project or one of its tasks, inside the
# request's transaction, before it commits. ``data`` is the document a project member would read.
# Receivers write to the session (an audit row, a webhook outbox row) and never commit.
project_event = NAMESPACE.signal("project-event")
# Sent (through taskapi.auth.audit.events.record() or record_failure()) with the SecurityEvent row as sender,
# before it is stored, and ``session``: the one it belongs to (the request's, or for a refusal the short
# transaction written apart). Receivers, connected by create_app(): the store (adds the row to
# ``session``), the log and the mail notices.
security_event = NAMESPACE.signal("security-event")


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


class SecurityEventType(StrEnum):
    """What happened to an account: the security log's vocabulary (project events are copied beside it)."""

    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    LOGOUT_ALL = "logout.all"
    LOGOUT_OTHERS = "logout.others"
    SESSION_REVOKED = "session.revoked"
    REFRESH_REUSE_DETECTED = "refresh.reuse_detected"
    PASSWORD_CHANGED = "password.changed"
    PASSWORD_RESET = "password.reset"
    EMAIL_CHANGE_REQUESTED = "email.change_requested"
    EMAIL_CHANGED = "email.changed"
    EMAIL_VERIFIED = "email.verified"
    TWO_FACTOR_ENABLED = "2fa.enabled"
    TWO_FACTOR_DISABLED = "2fa.disabled"
    TWO_FACTOR_RESET_BY_ADMIN = "2fa.reset_by_admin"
    RECOVERY_CODE_USED = "recovery_code.used"
    PASSKEY_ADDED = "passkey.added"
    PASSKEY_REMOVED = "passkey.removed"
    ACCOUNT_DISABLED = "account.disabled"
    ACCOUNT_ENABLED = "account.enabled"
    ROLE_CHANGED = "role.changed"
    ACCOUNT_DELETED = "account.deleted"
    REAUTH_FAILED = "reauth.failed"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"


def announce(project_id: int, event: ProjectEventType, *, actor_id: int | None, data: dict,
             subject_id: int | None = None) -> None:
    """Send ``project_event`` for one change; ``subject_id`` is the user it concerns (a member, an invitee)."""
    project_event.send(project_id, type=event, actor_id=actor_id, data=data, subject_id=subject_id)
