"""Token forgery for the attack tests: start from a real token's claims, change them, re-sign."""

import base64
import json
import time

import jwt as pyjwt

from taskapi.auth.sessions.keys import key_id


def claims_of(app, token):
    """Decode a token the app issued (verifying it with the app's current key)."""
    return pyjwt.decode(token, app.config["JWT_SECRET_KEY"], algorithms=["HS256"], audience="taskapi",
                        issuer="taskapi")


def sign(claims, key, alg="HS256", kid=None):
    """Sign ``claims`` with ``key``; the kid defaults to the key's own fingerprint."""
    return pyjwt.encode(claims, key, algorithm=alg, headers={"kid": kid or key_id(key)})


def forge(app, token, drop=(), alg="HS256", key=None, kid=None, **changes):
    """A copy of ``token`` with claims changed or dropped, re-signed (by default with the app's key)."""
    claims = {**claims_of(app, token), **changes}
    for name in drop:
        claims.pop(name, None)
    return sign(claims, key or app.config["JWT_SECRET_KEY"], alg=alg, kid=kid)


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned(app, token):
    """The token's claims under ``alg: none`` with an empty signature."""
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims_of(app, token))}."


def stripped(token):
    """The token with its signature removed."""
    return token.rsplit(".", 1)[0] + "."


def now():
    return int(time.time())
