"""Identity: accounts, passwords and their policy, login, sessions, JWTs, mailed tokens, two-factor,
limits and guards. The HTTP views are in ``taskapi.auth.views``; everything else here is a service
that raises ``taskapi.errors.DomainError`` and knows nothing of requests' bodies.
"""
