"""Security events: stored, logged and mailed as notices; every capability records into it."""

from taskapi.auth.audit.events import connect_event_receivers, record, record_failure
from taskapi.auth.audit.notifications import install_notification_hooks

__all__ = ["connect_event_receivers", "install_notification_hooks", "record", "record_failure"]
