"""Domain signals (blinker): a change is announced once; storage, outboxes and notices subscribe."""

from blinker import Namespace

signals = Namespace()

# Sent by the service that changed a project or one of its tasks, inside the request's transaction,
# before it commits: ``project_event.send(project_id, type=..., data=..., actor_id=...)``.
# ``type`` is a ProjectEventType value; ``data`` is the document a project member would read.
# Receivers write to the session (an audit row, a webhook outbox row) and never commit.
project_event = signals.signal("project-event")
