"""Signing in with a passkey: request options, then one verified assertion for a complete sign-in.

An assertion made with user verification proves possession of the device key and the user's PIN
or biometric: it is multi-factor by itself, so no TOTP code is asked. Every refusal is the same
401 and a ``login.failed`` event with reason ``passkey``; the verification itself takes a unit of
the account's failure budget, like a password check.
"""

import hashlib
import hmac
import json

from sqlalchemy import select

from taskapi.auth.accounts import find_user_by_username
from taskapi.auth.events import record_failure, record_if_locked
from taskapi.auth.failure_budget import account_key, within_budget
from taskapi.auth.keys import derive_keys
from taskapi.auth.login import ACCOUNT_DISABLED, require_verified_email
from taskapi.auth.passkeys import (
    TIMEOUT_MS,
    base64url,
    descriptor,
    issue_challenge,
    parse_credential,
    parse_errors,
    passkeys_of,
    relying_party,
    spend_challenge,
    user_handle,
)
from taskapi.errors import DomainError, unauthorized
from taskapi.extensions import db
from taskapi.models import Passkey, User, utcnow

NOT_ACCEPTED = "Passkey not accepted"
IMAGINARY_ID_LENGTHS = (16, 20, 32)  # lengths platform authenticators give their credential ids
IMAGINARY_TRANSPORTS = ("hybrid", "internal")


def authentication_options(username=None):
    """Request options: for ``username``'s passkeys, or without a username for any discoverable one.

    A name with no passkeys (nobody has it, or its account has none) gets an imaginary credential,
    so the options never tell whether an account exists or has passkeys. Commits.
    """
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    user = find_user_by_username(username) if username else None
    allowed = [descriptor(passkey) for passkey in passkeys_of(user)] if user is not None else []
    if username and not allowed:
        allowed = [imaginary_descriptor(username)]
    rp_id, _ = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id, challenge=issue_challenge("login", user.id if user is not None else None), timeout=TIMEOUT_MS,
        allow_credentials=allowed, user_verification=UserVerificationRequirement.REQUIRED)
    db.session.commit()
    return json.loads(options_to_json(options))


def imaginary_descriptor(username):
    """A credential no authenticator holds, the same for the same name under this SECRET_KEY (WebAuthn §14.6.2)."""
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    digest = hmac.new(derive_keys("imaginary-passkey")[0], username.lower().encode("utf-8"), hashlib.sha512).digest()
    length = IMAGINARY_ID_LENGTHS[digest[0] % len(IMAGINARY_ID_LENGTHS)]
    return PublicKeyCredentialDescriptor(id=digest[1:1 + length],
                                         transports=[AuthenticatorTransport(name) for name in IMAGINARY_TRANSPORTS])


def refuse(user=None):
    """Record the refusal (committed) and answer 401."""
    record_failure("login.failed", user, reason="passkey")
    return unauthorized(NOT_ACCEPTED, token_rejected=False)


def authenticate_passkey(credential):
    """The active user whose passkey made ``credential``, an assertion over a live login challenge.

    :raises DomainError 401: malformed assertion; unknown, spent, expired or register challenge; unknown
        credential, or one of another account than the one named; failed verification (origin, RP id
        hash, signature, sign counter, no user verification)
    :raises DomainError 403: disabled account, or unverified email when that is required
    :raises DomainError 429: the account's failure budget is spent
    """
    from webauthn import verify_authentication_response
    from webauthn.helpers import parse_authentication_credential_json

    try:
        parsed, challenge = parse_credential(credential, parse_authentication_credential_json)
    except parse_errors():
        raise refuse() from None
    spent = spend_challenge(challenge, "login")
    if spent is None:
        raise refuse()
    named = db.session.get(User, spent[0]) if spent[0] is not None else None
    passkey = db.session.scalar(select(Passkey).where(Passkey.credential_id == base64url(parsed.raw_id)))
    if passkey is None or (named is not None and passkey.user_id != named.id):
        raise refuse(named)
    user = db.session.get(User, passkey.user_id)
    if parsed.response.user_handle is not None and parsed.response.user_handle != user_handle(user):
        raise refuse(user)

    def verified():
        rp_id, origins = relying_party()
        try:
            result = verify_authentication_response(
                credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origins,
                credential_public_key=passkey.public_key, credential_current_sign_count=passkey.sign_count,
                require_user_verification=True)
        except parse_errors():
            return False
        passkey.sign_count = result.new_sign_count
        passkey.last_used_at = utcnow()
        return True

    if not record_if_locked(user, lambda: within_budget(account_key(user), verified)):
        raise refuse(user)
    if not user.is_active:
        record_failure("login.failed", user, reason="disabled")
        raise DomainError(403, ACCOUNT_DISABLED)
    require_verified_email(user)
    return user
