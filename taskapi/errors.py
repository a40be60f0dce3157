"""Domain errors: what services raise when a request cannot be served, independent of HTTP plumbing.

One handler (``taskapi.http.problems``) turns a ``DomainError`` into an RFC 9457 problem
document; the CLI prints its ``detail``. Services never call flask-smorest's ``abort()``.
"""

NOT_AUTHENTICATED = "Not authenticated"
INVALID_CREDENTIALS = "Could not validate credentials"


class DomainError(Exception):
    """A refusal with an HTTP status, a human ``detail``, optional headers and extra members."""

    def __init__(self, status, detail, *, headers=None, **members):
        super().__init__(detail)
        self.status = int(status)
        self.detail = detail
        self.headers = dict(headers or {})
        self.members = {key: value for key, value in members.items() if value is not None}


def bearer_challenge(token_rejected=True):
    """The RFC 6750 ``WWW-Authenticate`` header; ``token_rejected`` adds ``error="invalid_token"``."""
    return {"WWW-Authenticate": 'Bearer error="invalid_token"' if token_rejected else "Bearer"}


def unauthorized(detail=INVALID_CREDENTIALS, *, token_rejected=True, **members):
    """A 401 DomainError carrying the Bearer challenge."""
    return DomainError(401, detail, headers=bearer_challenge(token_rejected), **members)
