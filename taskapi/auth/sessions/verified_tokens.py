"""flask-jwt-extended's JWTManager with a bounded, per-app memory of token strings it has verified.

A token's signature, issuer, audience and required claims cannot change, so they are checked once
per worker: decoding a token through PyJWT cost about 1.3 M instructions, an eighth of a list
request and a fifth of a create (bench/README.md). What can change is still checked on every
request: expiry and not-before here, against the clock; the login session (logout, revocation,
its lifetime) and the user (deleted, disabled, password changed, role) by
``tokens.session_revoked`` and ``tokens.load_user``, which flask-jwt-extended calls after
decoding, cached or not.

PyJWT decodes a token's header and claims with json.loads before it checks the signature, so a
token whose JSON nests too deeply is refused before it gets there (``taskapi.http.shallow_json``).
"""

import binascii
import threading
import time
from datetime import timedelta

import flask_jwt_extended.view_decorators as view_decorators
from flask import current_app, has_app_context
from flask_jwt_extended import JWTManager
from flask_jwt_extended.utils import get_unverified_jwt_headers
from jwt import DecodeError
from jwt import get_unverified_header as pyjwt_header
from jwt.utils import base64url_decode

from taskapi.http.shallow_json import TooDeep, refuse_deep

EXTENSION = "taskapi.verified_tokens"


class VerifiedTokens:
    """At most ``size`` verified token strings with their claims (and header); the oldest goes first when full."""

    def __init__(self, size, leeway=0):
        self.size = size
        self.leeway = leeway.total_seconds() if isinstance(leeway, timedelta) else leeway
        self._claims = {}
        self._headers = {}
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._claims)

    def get(self, token):
        """A copy of the claims of ``token`` if it was verified and is still inside its validity window."""
        claims = self._claims.get(token)
        if claims is None:
            return None
        now = time.time()
        # PyJWT's own tests: expired when exp <= now - leeway, not yet valid when nbf > now + leeway.
        if claims["exp"] <= now - self.leeway or claims["nbf"] > now + self.leeway:
            with self._lock:
                self._claims.pop(token, None)
                self._headers.pop(token, None)
            return None
        return dict(claims)

    def header(self, token):
        """A copy of the header of ``token`` if it is remembered as verified, else None."""
        header = self._headers.get(token)
        return dict(header) if header is not None else None

    def add(self, token, claims, header=None):
        """Remember that ``token`` verified to ``claims`` (and, when given, its ``header``)."""
        with self._lock:
            if token not in self._claims and len(self._claims) >= self.size:
                oldest = next(iter(self._claims))
                del self._claims[oldest]
                self._headers.pop(oldest, None)
            self._claims[token] = dict(claims)
            if header is not None:
                self._headers[token] = dict(header)


def refuse_deep_token(encoded_token):
    """Raise PyJWT's DecodeError when the header or claims of ``encoded_token`` nest too deeply to decode.

    What is not base64url or text is left to PyJWT, which refuses it with the same error.
    """
    for segment in encoded_token.split(".", 2)[:2]:
        try:
            refuse_deep(base64url_decode(segment))
        except TooDeep as error:
            raise DecodeError(f"Invalid token: {error}") from None
        except (binascii.Error, ValueError):
            return


class CachingJWTManager(JWTManager):
    """JWTManager that verifies each token string once per app and worker (``JWT_VERIFIED_TOKENS``, 0 = off).

    Tokens nested too deeply are refused before PyJWT decodes them.
    """

    def init_app(self, app, add_context_processor=False):
        """Bind to ``app`` and give it its own memory, so apps with different keys never share one."""
        super().init_app(app, add_context_processor)
        size = app.config.get("JWT_VERIFIED_TOKENS", 0)
        app.extensions[EXTENSION] = VerifiedTokens(size, app.config["JWT_DECODE_LEEWAY"]) if size else None

    # flask-jwt-extended has no documented hook around decoding. This method is the one both
    # verify_jwt_in_request() and decode_token() go through; errors still come from it alone.
    def _decode_jwt_from_config(self, encoded_token, csrf_value=None, allow_expired=False):
        verified = current_app.extensions.get(EXTENSION)
        cacheable = verified is not None and not (csrf_value or allow_expired)
        claims = verified.get(encoded_token) if cacheable else None
        if claims is None:
            refuse_deep_token(encoded_token)
            claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
            if cacheable:
                verified.add(encoded_token, claims, pyjwt_header(encoded_token))
        return claims


def remembered_header(encoded_token):
    """flask-jwt-extended's ``get_unverified_jwt_headers``, from the memory for a token verified here.

    verify_jwt_in_request() decodes the token (above) and then parses its header once more, which
    PyJWT does in Python, character by character (about 0.3 M instructions a request). A remembered
    token's header is the one read when it verified; any other token goes to the library as before.
    """
    verified = current_app.extensions.get(EXTENSION) if has_app_context() else None
    header = verified.header(encoded_token) if verified is not None else None
    return header if header is not None else get_unverified_jwt_headers(encoded_token)


# flask-jwt-extended has no hook here either: its request path calls this name from its own module.
view_decorators.get_unverified_jwt_headers = remembered_header


jwt = CachingJWTManager()
