"""Stored jobs carry an HMAC, checked before anything is unpickled.

Huey stores a job as a pickle, and unpickling runs code: without this, whoever could write the
queue (its SQLite file, or a Redis shared or exposed by mistake) could run code in every
consumer. Jobs are signed with SECRET_KEY by itsdangerous, Flask's own signer; the keys in
SECRET_KEY_FALLBACKS still verify, so jobs queued before a key rotation still run.
"""

import hashlib
import io
import pickle

from huey.serializer import Serializer
from itsdangerous import Signer, want_bytes

SALT = "taskapi.jobs"
# Classes a job's arguments may hold, by the module that held them when such a job could be queued:
# a job queued before a module moved names the old path in its pickle, and must still run after.
MOVED_MODULES = {"taskapi.auth.deferred": "taskapi.auth.mailed.deferred"}


class MovedModulesUnpickler(pickle.Unpickler):
    """pickle's Unpickler, finding classes of MOVED_MODULES where they live now (its documented find_class hook)."""

    def find_class(self, module, name):
        return super().find_class(MOVED_MODULES.get(module, module), name)


class KeyedOnceSigner(Signer):
    """itsdangerous' Signer that derives each secret's key once, not once per job (its keys never change)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.derived = {secret: super(KeyedOnceSigner, self).derive_key(secret) for secret in self.secret_keys}

    def derive_key(self, secret_key=None):
        """The key itsdangerous would derive from ``secret_key`` (the newest secret by default)."""
        return self.derived[self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)]


class SignedPickles(Serializer):
    """Huey's pickle serializer, with every stored job signed and verified (itsdangerous, HMAC-SHA256)."""

    def __init__(self, secret_key, fallbacks=()):
        super().__init__()
        # itsdangerous signs with the last key and verifies with any; Flask orders its session keys so too.
        self.signer = KeyedOnceSigner([*fallbacks, secret_key], salt=SALT, digest_method=hashlib.sha256)

    def serialize(self, data):
        """``data`` pickled, then signed."""
        return self.signer.sign(super().serialize(data))

    def _deserialize(self, data):
        """Unpickle (as huey's own signed serializer, an override of this method) through MovedModulesUnpickler."""
        return MovedModulesUnpickler(io.BytesIO(data)).load()

    def deserialize(self, data):
        """The job in ``data``, if this app signed it.

        :raises itsdangerous.BadSignature: unsigned, or signed with another key (nothing is unpickled)
        """
        return super().deserialize(self.signer.unsign(data))


def job_serializer(config):
    """The serializer of the app's queue, keyed by its SECRET_KEY and SECRET_KEY_FALLBACKS."""
    return SignedPickles(config["SECRET_KEY"], config.get("SECRET_KEY_FALLBACKS") or ())
