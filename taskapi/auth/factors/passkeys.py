"""Passkeys (WebAuthn via py_webauthn): challenges kept in the database, registration, renaming, removal.

Challenges live in the database, not in a worker's memory or a cookie, so every worker and node
agrees on them; each is spent with one conditional UPDATE, so of two requests presenting the same
challenge at most one gets past it. A challenge is bound to its ceremony and, when issued to a
signed-in account or for a named one, to that account.
"""

import base64
import hashlib
import json
import secrets

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from taskapi.auth.audit.events import record
from taskapi.auth.factors.passkey_keys import load_cose_key
from taskapi.db.unit_of_work import write_apart
from taskapi.errors import DomainError
from taskapi.extensions import db
from taskapi.http.shallow_json import refuse_deep
from taskapi.models import Passkey, WebAuthnChallenge, utcnow
from taskapi.signals import SecurityEventType

NOT_REGISTERED = "The passkey could not be registered: start again with POST /auth/passkeys/register/options"
ALREADY_REGISTERED = "This passkey is already registered"
NOT_FOUND = "Passkey not found"
TIMEOUT_MS = 120_000

# py_webauthn is imported where it is used: importing it costs a worker about 5 MB, and most
# workers never see a passkey ceremony (bench/README.md).


def parse_errors():
    """Every error family a malformed credential can raise inside py_webauthn and the libraries it parses with.

    py_webauthn's own, cbor2's, cryptography's and pyOpenSSL's (attestation certificates), and the
    built-in ones its parsers let through on odd shapes (``[]`` or ``"a"`` as a key: IndexError).
    """
    import cbor2
    from cryptography.exceptions import InvalidKey, InvalidSignature, UnsupportedAlgorithm
    from OpenSSL.crypto import Error as OpenSSLError
    from webauthn.helpers.exceptions import WebAuthnException

    return (WebAuthnException, cbor2.CBORError, InvalidKey, InvalidSignature, UnsupportedAlgorithm, OpenSSLError,
            ValueError, TypeError, LookupError, AttributeError, OverflowError, RecursionError)


def parse_credential(credential, parse):
    """``parse(credential)`` (a py_webauthn credential parser) and the challenge its client data answers.

    :raises parse_errors(): a malformed credential, client data nested too deeply included
    """
    from webauthn.helpers import parse_client_data_json

    parsed = parse(credential)
    client_data = parsed.response.client_data_json
    refuse_deep(client_data)  # py_webauthn decodes it with json.loads, which recurses
    return parsed, parse_client_data_json(client_data).challenge


def base64url(data):
    """``data`` as unpadded base64url, as py_webauthn writes challenges and credential ids."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def user_handle(user):
    """The WebAuthn user handle of ``user``: stable, opaque, and no personal data."""
    return hashlib.sha256(f"taskapi passkey user {user.id}".encode()).digest()[:32]


def issue_challenge(ceremony, user_id=None, name_key=None):
    """A new random challenge for ``ceremony`` (``register`` or ``login``), stored until it expires."""
    now = utcnow()
    purge_spent_challenges()
    challenge = secrets.token_bytes(64)
    db.session.add(WebAuthnChallenge(id=secrets.token_urlsafe(32), challenge=base64url(challenge),
                                     ceremony=ceremony, user_id=user_id, name_key=name_key, created_at=now,
                                     expires_at=now + current_app.config["WEBAUTHN_CHALLENGE_MAX_AGE"]))
    return challenge


def purge_spent_challenges():
    """Delete challenges that are spent or expired (no longer answerable either way); returns how many."""
    return db.session.execute(delete(WebAuthnChallenge).where(
        or_(WebAuthnChallenge.expires_at <= utcnow(), WebAuthnChallenge.used_at.is_not(None)))).rowcount


def spend_challenge(challenge, ceremony, user_id=None):
    """Spend a live challenge of ``ceremony`` (and, when given, of ``user_id``), written apart from the
    request: a ceremony that then fails cannot give the challenge back to be answered again.

    :returns: (the account it was bound to, the keyed hash of the name typed), either None if none; or
        None when the challenge is unknown, spent, expired, or of another ceremony or account
    """
    now = utcnow()
    statement = (update(WebAuthnChallenge)
                 .where(WebAuthnChallenge.challenge == base64url(challenge),
                        WebAuthnChallenge.ceremony == ceremony, WebAuthnChallenge.used_at.is_(None),
                        WebAuthnChallenge.expires_at > now)
                 .values(used_at=now).returning(WebAuthnChallenge.user_id, WebAuthnChallenge.name_key)
                 .execution_options(synchronize_session=False))
    if user_id is not None:
        statement = statement.where(WebAuthnChallenge.user_id == user_id)
    row = write_apart(db.session, lambda side: side.execute(statement).first())
    return None if row is None else (row.user_id, row.name_key)


def relying_party():
    """The (RP id, allowed origins) from the configuration."""
    return current_app.config["WEBAUTHN_RP_ID"], list(current_app.config["WEBAUTHN_ORIGINS"])


def descriptor(passkey, transports=True):
    """The PublicKeyCredentialDescriptor of a stored passkey (without its transport hints if not ``transports``)."""
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    known = {transport.value for transport in AuthenticatorTransport}
    hints = [AuthenticatorTransport(name) for name in passkey.transports or [] if name in known and transports]
    return PublicKeyCredentialDescriptor(id=base64url_to_bytes(passkey.credential_id), transports=hints or None)


def passkeys_of(user):
    """``user``'s passkeys, oldest first."""
    return db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)).all()


def registration_options(user):
    """Creation options for a new passkey of ``user`` (its existing ones excluded), as JSON data."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    rp_id, _ = relying_party()
    options = generate_registration_options(
        rp_id=rp_id, rp_name=current_app.config["WEBAUTHN_RP_NAME"], user_name=user.username,
        user_id=user_handle(user), challenge=issue_challenge("register", user.id), timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.REQUIRED),
        exclude_credentials=[descriptor(passkey) for passkey in passkeys_of(user)])
    return json.loads(options_to_json(options))


def register(user, credential, name):
    """Verify a new credential against a register challenge of ``user`` and store it.

    :raises DomainError 400: malformed credential, spent/expired/foreign challenge, failed verification
    :raises DomainError 409: the credential is registered already
    """
    from webauthn import verify_registration_response
    from webauthn.helpers import parse_registration_credential_json

    try:
        parsed, challenge = parse_credential(credential, parse_registration_credential_json)
    except parse_errors():
        raise DomainError(400, NOT_REGISTERED) from None
    if spend_challenge(challenge, "register", user.id) is None:
        raise DomainError(400, NOT_REGISTERED)
    rp_id, origins = relying_party()
    try:
        verified = verify_registration_response(credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id,
                                                expected_origin=origins, require_user_verification=True)
    except parse_errors():
        raise DomainError(400, NOT_REGISTERED) from None
    load_cose_key(verified.credential_public_key)  # a key that could never sign in is not stored
    passkey = Passkey(user_id=user.id, credential_id=base64url(verified.credential_id),
                      public_key=verified.credential_public_key, sign_count=verified.sign_count, name=name,
                      transports=[str(t.value) for t in parsed.response.transports or []], created_at=utcnow())
    db.session.add(passkey)
    try:
        db.session.flush()
    except IntegrityError:  # the exclusion list asks the browser not to; a racing twin can still get here
        db.session.rollback()
        raise DomainError(409, ALREADY_REGISTERED) from None
    record(SecurityEventType.PASSKEY_ADDED, user, passkey_id=passkey.id, name=name)
    return passkey


def find_passkey(user, passkey_id):
    """``user``'s passkey ``passkey_id``.

    :raises DomainError 404: no such passkey, or another account's (ids leak nothing)
    """
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != user.id:
        raise DomainError(404, NOT_FOUND)
    return passkey


def rename(passkey, name):
    """Give ``passkey`` a new name."""
    passkey.name = name
    return passkey


def remove(user, passkey):
    """Delete ``passkey`` of ``user`` and record it."""
    passkey_id, name = passkey.id, passkey.name
    db.session.delete(passkey)
    record(SecurityEventType.PASSKEY_REMOVED, user, passkey_id=passkey_id, name=name)
