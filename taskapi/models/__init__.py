"""Database models (SQLAlchemy 2 typed mappings), one module per aggregate."""

from taskapi.models.account_tokens import TOKEN_PURPOSES, AccountToken, RecoveryCode
from taskapi.models.failure_budgets import FailureBudget
from taskapi.models.passkeys import CEREMONIES, Passkey, WebAuthnChallenge
from taskapi.models.projects import Project, ProjectEvent, ProjectMember, ProjectRole
from taskapi.models.reminders import REMINDER_CHOICES, ReminderDigest
from taskapi.models.security_events import SecurityEvent
from taskapi.models.sessions import AuthSession, RefreshToken
from taskapi.models.tasks import Task
from taskapi.models.types import PRIORITIES, PRIORITY_NAMES, ROLES, UTCDateTime, utcnow
from taskapi.models.users import User

__all__ = ["AccountToken", "AuthSession", "FailureBudget", "Passkey", "Project", "ProjectEvent", "ProjectMember",
           "ProjectRole", "RecoveryCode", "RefreshToken", "ReminderDigest", "SecurityEvent", "Task", "User",
           "UTCDateTime", "utcnow",
           "PRIORITIES", "PRIORITY_NAMES", "REMINDER_CHOICES", "ROLES", "TOKEN_PURPOSES", "CEREMONIES",
           "WebAuthnChallenge"]
