"""TOTP two-factor login (RFC 6238 via pyotp): encrypted secrets, a replay guard, hashed recovery codes.

Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from SECRET_KEY with
HKDF-SHA256 (info "taskapi totp-secret v1"). Recovery codes: HMAC-SHA256 under a second key
derived the same way (info "taskapi recovery-code v1"); they carry 60 random bits, so a keyed
fast hash is enough. To rotate SECRET_KEY, keep the old one in SECRET_KEY_FALLBACKS: secrets and
recovery codes made under it still work, and new ones use the new key.
"""

import base64
import hashlib
import hmac
import re
import secrets
import time

import pyotp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from taskapi.auth.audit.events import record, record_failure, record_if_locked
from taskapi.auth.credentials.failure_budget import account_key, within_budget
from taskapi.auth.sessions.keys import derive_keys
from taskapi.auth.sessions.sessions import revoke_all_sessions
from taskapi.errors import DomainError, bearer_challenge
from taskapi.extensions import db
from taskapi.models import RecoveryCode, User, utcnow
from taskapi.signals import SecurityEventType

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
TOTP_CODE = re.compile(r"[0-9]{6}")  # ASCII digits only: \d would take "１２３４５６"
VALID_WINDOW = 1  # accept the previous and next 30-second step too (clock drift)
MFA_REQUIRED = "Two-factor code required: send the code from your authenticator app as otp"
MFA_INVALID = "Incorrect or already used two-factor code"


def fernet():
    """The cipher for TOTP secrets at rest: encrypts under SECRET_KEY, decrypts under any key."""
    return MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in derive_keys("totp-secret")])


def encrypt_secret(secret):
    """Encrypt a base32 TOTP secret for storage."""
    return fernet().encrypt(secret.encode("ascii")).decode("ascii")


def decrypt_secret(stored):
    """The base32 TOTP secret, or None if it cannot be decrypted (e.g. SECRET_KEY was rotated)."""
    try:
        return fernet().decrypt(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None


def start_setup(user):
    """Give ``user`` a new (not yet enabled) secret; returns the setup document."""
    import segno  # QR codes only here, at setup: not loaded by workers that never see one

    secret = pyotp.random_base32()
    user.totp_secret = encrypt_secret(secret)
    user.totp_last_step = None
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=current_app.config["TOTP_ISSUER"])
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": segno.make(uri, error="m").svg_inline(scale=4)}


def matching_step(secret, code, now=None):
    """The 30-second step ``code`` is valid for (within the window), or None."""
    if not isinstance(code, str) or not TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    step = int((now or time.time()) // totp.interval)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def accept_totp(user, code):
    """True if ``code`` is valid for ``user`` and was not used before; records its step.

    The step is recorded with one conditional UPDATE, so a code (or an older one) is accepted
    at most once even when two workers see it at the same moment.
    """
    secret = decrypt_secret(user.totp_secret) if user.totp_secret else None
    step = matching_step(secret, code) if secret else None
    if step is None:
        return False
    recorded = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return recorded.rowcount == 1


def recovery_hash(code, key):
    """Keyed hash of a recovery code under ``key``, ignoring case, spaces and dashes."""
    normalized = re.sub(r"[\s-]", "", code).lower().encode("utf-8", "surrogatepass")
    return hmac.new(key, normalized, hashlib.sha256).hexdigest()


def new_recovery_codes(user):
    """Replace ``user``'s recovery codes with fresh ones; returns them (shown once)."""
    codes = ["-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(6)) for _ in range(2))
             for _ in range(RECOVERY_CODE_COUNT)]
    key = derive_keys("recovery-code")[0]  # stored under the current SECRET_KEY only
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=recovery_hash(code, key)) for code in codes)
    return codes


def accept_recovery_code(user, code):
    """True if ``code`` is one of ``user``'s unused recovery codes; spends it."""
    hashes = [recovery_hash(code, key) for key in derive_keys("recovery-code")]  # under each key, current first
    row_id = db.session.scalar(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash.in_(hashes), RecoveryCode.used_at.is_(None)))
    if row_id is None:
        return False
    spent = db.session.execute(update(RecoveryCode).where(RecoveryCode.id == row_id, RecoveryCode.used_at.is_(None))
                               .values(used_at=utcnow()))
    if spent.rowcount != 1:
        return False
    remaining = db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))
    record(SecurityEventType.RECOVERY_CODE_USED, user, remaining=remaining)
    return True


def accept_second_factor(user, code):
    """A TOTP code or, failing that, a recovery code."""
    if not isinstance(code, str) or not code.strip():
        return False
    code = code.strip()
    return accept_totp(user, code) if TOTP_CODE.fullmatch(code) else accept_recovery_code(user, code)


def require_second_factor(user, otp):
    """At login, for an account with 2FA on: accept a TOTP or recovery code, or refuse.

    :raises DomainError 401: no code (``error: mfa_required``), or a wrong, spent or replayed one
    :raises DomainError 429: the account's failure budget is spent (see ``failure_budget``)
    """
    if not user.totp_enabled:
        return
    if not otp:
        raise DomainError(401, MFA_REQUIRED, headers=bearer_challenge(token_rejected=False), error="mfa_required")
    if not record_if_locked(user, lambda: within_budget(account_key(user), lambda: accept_second_factor(user, otp))):
        record_failure(SecurityEventType.LOGIN_FAILED, user, reason="code")
        raise DomainError(401, MFA_INVALID, headers=bearer_challenge(token_rejected=False), error="mfa_invalid")


def enable(user):
    """Turn 2FA on for ``user`` and return new recovery codes."""
    user.totp_enabled = True
    codes = new_recovery_codes(user)
    record(SecurityEventType.TWO_FACTOR_ENABLED, user)
    return codes


def forget_second_factor(user):
    """Turn 2FA off and forget the secret (enabled or only set up) and recovery codes."""
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(user):
    """The owner turns 2FA off (the view checked password and code)."""
    forget_second_factor(user)
    record(SecurityEventType.TWO_FACTOR_DISABLED, user)


def reset_two_factor(user, *, actor=None):
    """Clear ``user``'s second factor for them (a lost authenticator) and end all their sessions.

    ``actor`` is the admin (None: an operator at the CLI). Idempotent: an account without 2FA
    loses a pending setup, if any, and its sessions.
    """
    forget_second_factor(user)
    revoke_all_sessions(user)
    record(SecurityEventType.TWO_FACTOR_RESET_BY_ADMIN, user, admin_id=actor.id if actor is not None else None)

