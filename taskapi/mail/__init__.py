"""Outgoing mail: delivery (SMTP, or an outbox folder) and the messages, rendered from templates/."""
