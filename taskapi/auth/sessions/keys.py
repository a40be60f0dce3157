"""Secrets and signing keys: SECRET_KEY from the environment (or a generated local one outside
production), keys derived from it for each purpose, and the JWT signing keys, newest first, each
named by a ``kid`` fingerprint.
"""

import hashlib
import logging
import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

log = logging.getLogger(__name__)
SECRET_FILE = "secret_key"


def ensure_secret_key(app):
    """Make sure SECRET_KEY and JWT_SECRET_KEY are set and strong enough.

    Production refuses to start without a secret of at least MIN_SECRET_BYTES from the
    environment; development generates one into instance/secret_key once and reuses it.
    """
    minimum = app.config["MIN_SECRET_BYTES"]
    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production":
            raise RuntimeError("SECRET_KEY must be set in the environment in production")
        app.config["SECRET_KEY"] = load_or_create_local_secret(app.instance_path)
    keys = list(app.config.get("JWT_SECRET_KEYS") or [])
    if not keys:
        keys = [app.config.get("JWT_SECRET_KEY") or app.config["SECRET_KEY"]]
    app.config["JWT_SECRET_KEYS"] = keys
    app.config["JWT_SECRET_KEY"] = keys[0]  # what flask-jwt-extended signs with
    if len(app.config["SECRET_KEY"].encode("utf-8")) < minimum:
        raise RuntimeError(f"SECRET_KEY must be at least {minimum} bytes long")
    for key in keys:
        if len(key.encode("utf-8")) < minimum:
            raise RuntimeError(f"every JWT signing key must be at least {minimum} bytes long")


def load_or_create_local_secret(instance_path):
    """Read instance/secret_key, creating it (mode 0600) on first use."""
    path = os.path.join(instance_path, SECRET_FILE)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as handle:
            return handle.read().strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        secret = secrets.token_urlsafe(48)
        handle.write(secret)
    log.warning("SECRET_KEY not set: generated a local development secret in %s", path)
    return secret


def derive_keys(purpose):
    """32-byte keys for ``purpose``: from SECRET_KEY first, then from each of SECRET_KEY_FALLBACKS."""
    secrets_newest_first = [current_app.config["SECRET_KEY"], *current_app.config["SECRET_KEY_FALLBACKS"]]
    return [HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"taskapi {purpose} v1".encode())
            .derive(secret.encode("utf-8")) for secret in secrets_newest_first]


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
