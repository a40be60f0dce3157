"""Second factors: TOTP with recovery codes, and passkeys (their verbs live in ``two_factor`` and ``passkeys``)."""

from taskapi.auth.factors import passkeys, two_factor
from taskapi.auth.factors.two_factor import reset_two_factor

__all__ = ["passkeys", "reset_two_factor", "two_factor"]
