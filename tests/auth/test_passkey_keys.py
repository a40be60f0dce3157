"""Only usable passkeys are stored: a registration whose public key could never sign in is a 400 (issue 31, 5 and 6)."""

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from sqlalchemy import func, select

from taskapi.extensions import db
from taskapi.models import Passkey, SecurityEvent
from tests.auth.passkey_helpers import register_options
from tests.auth.webauthn_authenticator import SoftAuthenticator


class KeyAuthenticator(SoftAuthenticator):
    """A software authenticator that attests whatever COSE key bytes it is given."""

    def __init__(self, cose_key):
        super().__init__()
        self.raw_key = cose_key

    def cose_public_key(self):
        return self.raw_key


def ec_point(curve=ec.SECP256R1()):
    numbers = ec.generate_private_key(curve).public_key().public_numbers()
    size = (curve.key_size + 7) // 8
    return numbers.x.to_bytes(size, "big"), numbers.y.to_bytes(size, "big")


def rsa_numbers(bits):
    numbers = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key().public_numbers()
    return numbers.n.to_bytes((bits + 7) // 8, "big"), numbers.e.to_bytes(3, "big")


def ed25519_bytes():
    return ed25519.Ed25519PrivateKey.generate().public_key().public_bytes_raw()


X, Y = ec_point()
RSA_N, RSA_E = rsa_numbers(2048)
SHORT_N, _ = rsa_numbers(1024)
OFF_CURVE_Y = (int.from_bytes(Y, "big") ^ 1).to_bytes(32, "big")

UNUSABLE = {
    "ec-point-off-the-curve": {1: 2, 3: -7, -1: 1, -2: X, -3: OFF_CURVE_Y},
    "rsa-one-byte-modulus": {1: 3, 3: -257, -1: b"\x01", -2: RSA_E},
    "rsa-1024-bits": {1: 3, 3: -257, -1: SHORT_N, -2: RSA_E},
    "okp-five-byte-key": {1: 1, 3: -8, -1: 6, -2: b"12345"},
    "ec-unknown-curve": {1: 2, 3: -7, -1: 99, -2: X, -3: Y},
    "okp-unknown-curve": {1: 1, 3: -8, -1: 99, -2: ed25519_bytes()},
    "es256-algorithm-on-an-rsa-key": {1: 3, 3: -7, -1: RSA_N, -2: RSA_E},
    "eddsa-algorithm-on-an-ec-key": {1: 2, 3: -8, -1: 1, -2: X, -3: Y},
    "rsa-algorithm-on-an-okp-key": {1: 1, 3: -257, -1: 6, -2: ed25519_bytes()},
}
MALFORMED = {"empty-array": cbor2.dumps([]), "text": cbor2.dumps("a"), "integer": cbor2.dumps(4),
             "string-labels": cbor2.dumps({"kty": 2}), "truncated": cbor2.dumps(UNUSABLE["rsa-1024-bits"])[:-7]}
USABLE = {
    "es256": {1: 2, 3: -7, -1: 1, -2: X, -3: Y},
    "eddsa": {1: 1, 3: -8, -1: 6, -2: ed25519_bytes()},
    "rs256": {1: 3, 3: -257, -1: RSA_N, -2: RSA_E},
}


def register(client, headers, raw_key):
    credential = KeyAuthenticator(raw_key).create(register_options(client, headers))
    return client.post("/auth/passkeys/register", headers=headers, json={"credential": credential, "name": "Key"})


def stored(app):
    with app.app_context():
        passkeys = db.session.scalar(select(func.count()).select_from(Passkey))
        added = db.session.scalar(select(func.count()).select_from(SecurityEvent)
                                  .where(SecurityEvent.type == "passkey.added"))
        return passkeys, added


@pytest.mark.parametrize("kind", sorted(UNUSABLE))
def test_an_unusable_public_key_is_refused_and_nothing_is_stored(app, client, user_headers, kind):
    response = register(client, user_headers, cbor2.dumps(UNUSABLE[kind]))
    assert response.status_code == 400, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert stored(app) == (0, 0)


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_a_malformed_cbor_key_is_a_400_not_a_500(app, client, user_headers, kind):
    response = register(client, user_headers, MALFORMED[kind])
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    assert stored(app) == (0, 0)


@pytest.mark.parametrize("kind", sorted(USABLE))
def test_usable_keys_of_each_supported_kind_are_stored(app, client, user_headers, kind):
    response = register(client, user_headers, cbor2.dumps(USABLE[kind]))
    assert response.status_code == 201, response.get_json()
    assert stored(app) == (1, 1)
