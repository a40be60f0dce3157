"""Password hashing: bcrypt over an HMAC-SHA256 digest, so passphrases of any length count in full.

Stored format: ``bcrypt-sha256$<bcrypt hash>``. The password is NFKC-normalised, then
HMAC-SHA256'd with the bcrypt salt as key and base64-encoded (44 bytes, under bcrypt's
72-byte limit), then hashed with bcrypt. Keying the digest with the salt means a leaked
unsalted SHA-256 of the same password cannot be fed to bcrypt directly.
"""

import base64
import hashlib
import hmac
import os
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import bcrypt
from flask import current_app

SCHEME_PREFIX = "bcrypt-sha256$"
_dummy_hashes: dict[int, str] = {}
_bcrypt_pools: dict[tuple, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def lower_priority(niceness):
    """Run the calling thread at ``niceness`` (Linux: niceness is per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):  # not Linux, or not allowed: hashing still works
        pass


def bcrypt_pool():
    """This process's bcrypt threads: BCRYPT_CONCURRENCY of them, at a lower CPU priority.

    Scheduling, not state. A burst of logins then takes at most that many cores per worker, and
    when a list request needs the CPU the kernel gives it first, so logins cannot starve the API.
    Keyed by pid: a pool must never be inherited across gunicorn's fork.
    """
    size, niceness = current_app.config["BCRYPT_CONCURRENCY"], current_app.config["BCRYPT_NICE"]
    key = (os.getpid(), size, niceness)
    with _pools_lock:
        if key not in _bcrypt_pools:
            _bcrypt_pools[key] = ThreadPoolExecutor(max_workers=size, thread_name_prefix="bcrypt",
                                                    initializer=lower_priority, initargs=(niceness,))
        return _bcrypt_pools[key]


def normalize(password):
    """NFKC form, so a password typed with composed or decomposed characters is the same."""
    return unicodedata.normalize("NFKC", password)


def _prehash(password, salt):
    digest = hmac.new(salt, normalize(password).encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)


def hash_password(password, rounds=None):
    """Hash a password with the configured bcrypt cost."""
    rounds = rounds or current_app.config["BCRYPT_LOG_ROUNDS"]
    salt = bcrypt.gensalt(rounds=rounds)
    hashed = bcrypt_pool().submit(bcrypt.hashpw, _prehash(password, salt), salt).result()
    return SCHEME_PREFIX + hashed.decode("ascii")


def verify_password(password, stored_hash):
    """True when ``password`` matches ``stored_hash``; constant-time in the comparison."""
    if not stored_hash or not stored_hash.startswith(SCHEME_PREFIX):
        return False
    bcrypt_hash = stored_hash[len(SCHEME_PREFIX):].encode("ascii")
    salt = bcrypt_hash[:29]  # "$2b$12$" + 22 salt characters
    try:
        return bcrypt_pool().submit(bcrypt.checkpw, _prehash(password, salt), bcrypt_hash).result()
    except ValueError:
        return False


def hash_cost(stored_hash):
    """The bcrypt cost factor recorded in a stored hash."""
    return int(stored_hash[len(SCHEME_PREFIX):].split("$")[2])


def needs_rehash(stored_hash):
    """True when the stored hash was made with a cost other than the configured one."""
    return hash_cost(stored_hash) != current_app.config["BCRYPT_LOG_ROUNDS"]


def burn_equal_time(password):
    """Check ``password`` against a dummy hash of the configured cost (unknown-user logins)."""
    rounds = current_app.config["BCRYPT_LOG_ROUNDS"]
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = hash_password("not-a-real-password-for-timing", rounds)
    verify_password(password, _dummy_hashes[rounds])
