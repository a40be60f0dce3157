"""Signing in with a passkey: request options, then one verified assertion for a complete sign-in.

An assertion made with user verification proves possession of the device key and the user's PIN
or biometric: it is multi-factor by itself, so no TOTP code is asked. Every refusal is the same
401 and a ``login.failed`` event with reason ``passkey``; the verification itself takes a unit of
the account's passkey failure budget (``passkey_key``), kept apart from its password and code
budget: wrong passwords sent by a stranger never lock the phishing-resistant factor out.
"""

import hashlib
import hmac
import json

from sqlalchemy import select

from taskapi.auth.audit.events import record_failure, record_if_locked
from taskapi.auth.credentials.accounts import find_user_by_username
from taskapi.auth.credentials.failure_budget import passkey_key, within_budget
from taskapi.auth.factors.passkeys import (
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
from taskapi.auth.sessions.keys import derive_keys
from taskapi.auth.signin.login import ACCOUNT_DISABLED, require_verified_email
from taskapi.errors import DomainError, unauthorized
from taskapi.extensions import db
from taskapi.http.identifiers import canonical_username
from taskapi.models import Passkey, User, utcnow
from taskapi.signals import SecurityEventType

NOT_ACCEPTED = "Passkey not accepted"
SLOTS = 4  # the options for a name list a multiple of this many credentials, real ones first
STAND_IN_ID_LENGTHS = (16, 32, 32, 64)  # lengths authenticators give their credential ids, 32 the commonest


def authentication_options(username=None):
    """Request options: for the name typed (whoever has it, if anybody), or without one for any discoverable passkey.

    The challenge is bound to the name typed (its keyed hash), whether or not an account has it, so
    only a passkey of that name's account can answer it. The list of credentials always has a
    multiple of ``SLOTS`` entries of one shape: the account's passkeys, then stand-ins derived from
    the name with a keyed hash (stable for the name, WebAuthn section 14.6.2), so a name with
    passkeys, without, or unknown look alike.
    """
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    user = find_user_by_username(username) if username else None
    allowed = []
    if username:
        real = [descriptor(passkey, transports=False) for passkey in passkeys_of(user)] if user is not None else []
        allowed = real + [stand_in(username, slot) for slot in range(len(real), -(-max(len(real), 1) // SLOTS) * SLOTS)]
    rp_id, _ = relying_party()
    challenge = issue_challenge("login", user.id if user is not None else None,
                                name_key=name_key(username) if username else None)
    options = generate_authentication_options(
        rp_id=rp_id, challenge=challenge, timeout=TIMEOUT_MS, allow_credentials=allowed,
        user_verification=UserVerificationRequirement.REQUIRED)
    return json.loads(options_to_json(options))


def name_key(username):
    """The keyed hash a sign-in challenge stores for the name typed (never the name itself)."""
    return hmac.new(derive_keys("passkey-login-name")[0], canonical_username(username).encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


def stand_in(username, slot):
    """A credential no authenticator holds, the same for the same name and slot under this SECRET_KEY."""
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

    key, name = derive_keys("imaginary-passkey")[0], canonical_username(username).encode("utf-8", "surrogatepass")
    digest = hmac.new(key, name + b"\0" + str(slot).encode(), hashlib.sha512).digest()  # 64 bytes
    return PublicKeyCredentialDescriptor(id=digest[:STAND_IN_ID_LENGTHS[digest[-1] % len(STAND_IN_ID_LENGTHS)]])


def answers_the_name(passkey, owner, spent):
    """True when a ceremony started for a name (or none) may be completed by ``passkey`` of ``owner``."""
    named_id, key = spent
    if key is None:
        return named_id is None
    return named_id == passkey.user_id and hmac.compare_digest(name_key(owner.username), key)


def refuse(user=None):
    """Record the refusal (written apart from the request) and answer 401."""
    record_failure(SecurityEventType.LOGIN_FAILED, user, reason="passkey")
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
    user = db.session.get(User, passkey.user_id) if passkey is not None else None
    if user is None or not answers_the_name(passkey, user, spent):  # the same 401 for a name nobody has
        raise refuse(named)
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

    if not record_if_locked(user, lambda: within_budget(passkey_key(user), verified)):
        raise refuse(user)
    if not user.is_active:
        record_failure(SecurityEventType.LOGIN_FAILED, user, reason="disabled")
        raise DomainError(403, ACCOUNT_DISABLED)
    require_verified_email(user)
    return user
