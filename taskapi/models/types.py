"""Column types and helpers shared by the models."""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, TypeDecorator


class SiteRole(StrEnum):
    """An account's role on the whole site (a project's roles are ProjectRole)."""

    USER = "user"
    ADMIN = "admin"


ROLES = tuple(role.value for role in SiteRole)
# Priority is stored as a number so that sorting by it means low < normal < high.
PRIORITIES = {"low": 0, "normal": 1, "high": 2}
PRIORITY_NAMES = {number: name for name, number in PRIORITIES.items()}


def utcnow():
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC timestamps and always hands back aware datetimes, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use utcnow()")
        if value is not None and dialect.name == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
