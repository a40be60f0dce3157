"""JWT signing keys: an ordered list (newest first), each named by a ``kid`` fingerprint."""

import hashlib

from flask import current_app


def key_id(key):
    """A public, stable name for a key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def signing_key():
    """The key new tokens are signed with (the first listed)."""
    return current_app.config["JWT_SECRET_KEYS"][0]


def verification_key(kid):
    """The listed key named ``kid``, or None when it is unknown or retired."""
    for key in current_app.config["JWT_SECRET_KEYS"]:
        if key_id(key) == kid:
            return key
    return None
