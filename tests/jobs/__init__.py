"""Background jobs: job bodies, the queue, the consumer, reminders."""
