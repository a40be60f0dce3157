"""Database models (SQLAlchemy 2 typed mappings), one module per aggregate."""

from taskapi.models.sessions import AuthSession, RefreshToken
from taskapi.models.tasks import Task
from taskapi.models.types import PRIORITIES, PRIORITY_NAMES, ROLES, UTCDateTime, utcnow
from taskapi.models.users import User

__all__ = ["AuthSession", "RefreshToken", "Task", "User", "UTCDateTime", "utcnow",
           "PRIORITIES", "PRIORITY_NAMES", "ROLES"]
