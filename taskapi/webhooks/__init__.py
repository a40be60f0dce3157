"""Webhooks: signed project events delivered at least once, from an outbox, through a guarded client."""
