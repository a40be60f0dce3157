"""Database models (SQLAlchemy 2 typed mappings), one module per aggregate."""

from taskapi.models.access_tokens import AccessToken
from taskapi.models.account_tokens import TOKEN_PURPOSES, AccountToken, RecoveryCode
from taskapi.models.failure_budgets import FailureBudget
from taskapi.models.invitations import InvitationStatus, ProjectInvitation
from taskapi.models.passkeys import CEREMONIES, Passkey, WebAuthnChallenge
from taskapi.models.projects import Project, ProjectMember, ProjectRole
from taskapi.models.reminders import REMINDER_CHOICES, ReminderDigest
from taskapi.models.second_step import SecondStep
from taskapi.models.security_events import SecurityEvent
from taskapi.models.sessions import AuthSession, RefreshToken
from taskapi.models.tasks import Task
from taskapi.models.types import PRIORITIES, PRIORITY_NAMES, ROLES, UTCDateTime, utcnow
from taskapi.models.users import User
from taskapi.models.webhooks import DeliveryStatus, DisabledReason, Webhook, WebhookDelivery

__all__ = ["AccessToken", "AccountToken", "AuthSession", "FailureBudget", "Passkey", "Project", "ProjectMember",
           "ProjectRole", "RecoveryCode", "RefreshToken", "ReminderDigest", "SecondStep", "SecurityEvent", "Task",
           "User", "UTCDateTime", "utcnow", "PRIORITIES", "PRIORITY_NAMES", "REMINDER_CHOICES", "ROLES", "TOKEN_PURPOSES",
           "CEREMONIES", "WebAuthnChallenge"]
__all__ += ["InvitationStatus", "ProjectInvitation"]
__all__ += ["DeliveryStatus", "DisabledReason", "Webhook", "WebhookDelivery"]
