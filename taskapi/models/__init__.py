"""Database models (SQLAlchemy 2 typed mappings), one module per aggregate."""

from taskapi.models.access_tokens import AccessToken
from taskapi.models.account_tokens import TOKEN_PURPOSES, AccountToken, RecoveryCode, TokenPurpose
from taskapi.models.failure_budgets import FailureBudget
from taskapi.models.invitations import InvitationStatus, ProjectInvitation
from taskapi.models.passkeys import CEREMONIES, Passkey, WebAuthnChallenge
from taskapi.models.projects import Project, ProjectEvent, ProjectMember, ProjectRole
from taskapi.models.reminders import REMINDER_CHOICES, ReminderDigest
from taskapi.models.second_step import SecondStep
from taskapi.models.security_events import SecurityEvent
from taskapi.models.sessions import AuthSession, RefreshToken
from taskapi.models.tasks import Task
from taskapi.models.types import PRIORITIES, PRIORITY_NAMES, ROLES, SiteRole, UTCDateTime, utcnow
from taskapi.models.users import User
from taskapi.models.webhooks import DeliveryStatus, DisabledReason, Webhook, WebhookDelivery

# Every name imported above: the models' public vocabulary.
__all__ = [
    "AccessToken", "AccountToken", "AuthSession", "CEREMONIES", "DeliveryStatus", "DisabledReason",
    "FailureBudget", "InvitationStatus", "PRIORITIES", "PRIORITY_NAMES", "Passkey", "Project", "ProjectEvent",
    "ProjectInvitation",
    "ProjectMember", "ProjectRole", "REMINDER_CHOICES", "ROLES", "RecoveryCode", "RefreshToken", "ReminderDigest",
    "SecondStep", "SecurityEvent", "SiteRole", "TOKEN_PURPOSES", "Task", "TokenPurpose",
    "UTCDateTime", "User", "WebAuthnChallenge", "Webhook",
    "WebhookDelivery", "utcnow",
]
