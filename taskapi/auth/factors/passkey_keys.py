"""Which passkey public keys are stored: only those ``cryptography`` loads and a sign-in could verify.

A registration's ``none`` attestation is signed by nothing, so py_webauthn accepts any COSE key
it can decode: a point off the curve, a one-byte RSA modulus, an algorithm that disagrees with
the key type. Each would be stored, announced and then never sign in. Here the key is decoded
strictly and loaded with ``cryptography`` (which checks points are on their curve); the
algorithm must be one py_webauthn verifies, for that key type and curve; RSA needs 2048 bits.
"""

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from taskapi.errors import DomainError

UNUSABLE_KEY = "The passkey's public key is malformed, too weak or of an unsupported kind"
OKP, EC2, RSA = 1, 2, 3
KTY, ALG, CRV, X, Y, N, E = 1, 3, -1, -2, -3, -1, -2
EC_CURVES = {1: (-7, ec.SECP256R1(), 32)}  # crv: (its algorithm, curve, coordinate bytes); P-256 with ES256 only
ED25519, EDDSA = 6, -8
RSA_ALGORITHMS = frozenset({-257, -258, -259, -37, -38, -39})  # PKCS#1 v1.5 and PSS, SHA-2 only
RSA_MIN_BITS = 2048


def unusable():
    return DomainError(400, UNUSABLE_KEY)


def load_cose_key(raw: bytes):
    """The ``cryptography`` public key of a COSE_Key, if it is one a sign-in could verify.

    :raises DomainError 400: not a COSE_Key map, an unknown key type or curve, an algorithm that
        disagrees with the key, a point off its curve, a short OKP key, RSA under 2048 bits
    """
    try:
        key = cbor2.loads(raw)
    except (cbor2.CBORError, ValueError, TypeError, LookupError, RecursionError):
        raise unusable() from None
    if not isinstance(key, dict) or not all(isinstance(label, int) for label in key):
        raise unusable()
    loaders = {EC2: ec2_key, OKP: okp_key, RSA: rsa_key}
    kty = key.get(KTY)
    loader = loaders.get(kty) if isinstance(kty, int) else None
    if loader is None or not isinstance(key.get(ALG), int) or isinstance(key.get(ALG), bool):
        raise unusable()
    try:
        return loader(key)
    except (ValueError, TypeError):  # cryptography's refusal of an off-curve point or a malformed key
        raise unusable() from None


def coordinate(key, label, size):
    value = key.get(label)
    if not isinstance(value, bytes) or len(value) != size:
        raise ValueError("coordinate of the wrong size")
    return value


def ec2_key(key):
    algorithm, curve, size = EC_CURVES.get(key.get(CRV), (None, None, 0))
    if curve is None or key[ALG] != algorithm:
        raise ValueError("unknown curve, or an algorithm of another curve")
    point = b"\x04" + coordinate(key, X, size) + coordinate(key, Y, size)
    return ec.EllipticCurvePublicKey.from_encoded_point(curve, point)


def okp_key(key):
    if key.get(CRV) != ED25519 or key[ALG] != EDDSA:
        raise ValueError("only Ed25519 with EdDSA")
    return ed25519.Ed25519PublicKey.from_public_bytes(coordinate(key, X, 32))


def rsa_key(key):
    modulus, exponent = key.get(N), key.get(E)
    if key[ALG] not in RSA_ALGORITHMS or not isinstance(modulus, bytes) or not isinstance(exponent, bytes):
        raise ValueError("not an RSA algorithm, or a malformed key")
    public = rsa.RSAPublicNumbers(int.from_bytes(exponent, "big"), int.from_bytes(modulus, "big")).public_key()
    if public.key_size < RSA_MIN_BITS:
        raise ValueError("RSA modulus too short")
    return public
