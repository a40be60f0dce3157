"""Webhook signing secrets: made here, stored encrypted, and used to sign each try (Standard Webhooks).

Secrets at rest are Fernet tokens under a key derived from SECRET_KEY (HKDF, info "taskapi
webhook-secret v1"), the scheme of the TOTP secrets; SECRET_KEY_FALLBACKS still decrypt. A
secret is shown once (creation, rotation) and travels nowhere else: job arguments carry ids.
"""

import base64
import secrets
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from standardwebhooks import Webhook as StandardWebhook

from taskapi.auth.sessions.keys import derive_keys
from taskapi.models import Webhook, WebhookDelivery, utcnow

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
ROTATION_OVERLAP = timedelta(hours=24)  # the previous secret signs too, so receivers can switch over
SecretHolder = Webhook | WebhookDelivery  # the webhook, or a detached delivery's copy of its encrypted secrets


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def fernet():
    """The cipher for webhook secrets: encrypts under SECRET_KEY, decrypts under any listed key."""
    return MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in derive_keys("webhook-secret")])


def encrypt_secret(secret: str) -> str:
    """``secret`` encrypted for storage."""
    return fernet().encrypt(secret.encode("ascii")).decode("ascii")


def decrypt_secret(stored: str | None) -> str | None:
    """The secret in ``stored``, or None (nothing stored, or SECRET_KEY changed without a fallback)."""
    if not stored:
        return None
    try:
        return fernet().decrypt(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None


def signing_secrets(webhook: SecretHolder, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one within 24 hours."""
    found = [decrypt_secret(webhook.secret_encrypted)]
    expires = webhook.previous_secret_expires_at
    if expires is not None and expires > now:
        found.append(decrypt_secret(webhook.previous_secret_encrypted))
    return [secret for secret in found if secret]


def delivery_headers(webhook: SecretHolder, message_id: str, body: str, now: datetime | None = None) -> dict:
    """The Standard Webhooks headers of one try: id, timestamp, and a ``v1,`` signature per secret.

    :raises ValueError: no secret can be decrypted (the try fails; nothing unsigned is sent)
    """
    now = now or utcnow()
    signatures = [StandardWebhook(secret).sign(message_id, now, body) for secret in signing_secrets(webhook, now)]
    if not signatures:
        raise ValueError("the webhook's secret cannot be decrypted")
    return {"webhook-id": message_id, "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": " ".join(signatures), "Content-Type": "application/json",
            "User-Agent": f"taskapi-webhooks/{current_app.config['API_VERSION']}"}
