"""Identity, one sub-package per capability, each exporting the verbs the views and the CLI call.

Layered ``signin`` -> ``mailed`` | ``factors`` -> ``credentials`` -> ``sessions`` -> ``audit``: each
imports only those after it (setup.cfg checks). Beside them: per-IP limits, the shared schemas,
activity and housekeeping. The HTTP views are in ``taskapi.auth.views``; everything else here raises
``taskapi.errors.DomainError``, returns data, and knows nothing of requests' bodies or headers.
"""
