"""A software WebAuthn authenticator (and the browser around it) for tests, built on ``cryptography``.

It makes what a browser hands the page: registration credentials with a ``none`` attestation
(authenticatorData with rpIdHash, flags, signCount and attested credential data; clientDataJSON
with type, challenge and origin) and assertions signed with ECDSA P-256 / SHA-256. Every
parameter a refusal test needs to get wrong can be set per call.
"""

import base64
import hashlib
import json
import os

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

RP_ID = "localhost"
ORIGIN = "http://localhost:8000"
USER_PRESENT, USER_VERIFIED, ATTESTED_DATA = 0x01, 0x04, 0x40


def b64url(data):
    """base64url without padding, as WebAuthn JSON carries binary members."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def from_b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    """One passkey: an EC P-256 key pair, a credential id and a signature counter."""

    def __init__(self, sign_count=0):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = sign_count
        self.user_handle = None

    @property
    def id(self):
        return b64url(self.credential_id)

    def cose_public_key(self):
        """The public key as a COSE_Key (EC2, ES256, P-256)."""
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def authenticator_data(self, rp_id, flags, attested=b""):
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + self.sign_count.to_bytes(4, "big") + attested

    @staticmethod
    def client_data(kind, challenge, origin):
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def create(self, options, *, origin=ORIGIN, rp_id=RP_ID, verified=True):
        """The credential navigator.credentials.create(options) resolves to, as PublicKeyCredential.toJSON()."""
        self.user_handle = from_b64url(options["user"]["id"])
        attested = bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + self.cose_public_key()
        flags = USER_PRESENT | ATTESTED_DATA | (USER_VERIFIED if verified else 0)
        auth_data = self.authenticator_data(rp_id, flags, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self.client_data("webauthn.create", options["challenge"], origin)
        return {"id": self.id, "rawId": self.id, "type": "public-key", "authenticatorAttachment": "platform",
                "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation),
                             "transports": ["internal"]}}

    def get(self, options, *, origin=ORIGIN, rp_id=RP_ID, verified=True, sign_count=None, challenge=None,
            user_handle=True):
        """The assertion navigator.credentials.get(options) resolves to, as PublicKeyCredential.toJSON().

        The counter goes up by one unless ``sign_count`` sets it.
        """
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        auth_data = self.authenticator_data(rp_id, USER_PRESENT | (USER_VERIFIED if verified else 0))
        client_data = self.client_data("webauthn.get", challenge or options["challenge"], origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        response = {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature)}
        if user_handle and self.user_handle is not None:
            response["userHandle"] = b64url(self.user_handle)
        return {"id": self.id, "rawId": self.id, "type": "public-key", "authenticatorAttachment": "platform",
                "clientExtensionResults": {}, "response": response}
