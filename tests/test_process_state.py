"""No process-local state that decides anything: module-level containers are constants or per-process caches."""

import importlib
import pkgutil
import weakref

import taskapi

CONTAINERS = (dict, set, list, weakref.WeakKeyDictionary, weakref.WeakValueDictionary)

# Each is safe per worker: losing it, or another worker having a different one, changes no answer.
PER_PROCESS_CACHES = {
    ("taskapi.auth.passwords", "_dummy_hashes"): "a dummy bcrypt hash per cost, for equal-time failed logins",
    ("taskapi.auth.passwords", "_bcrypt_pools"): "this process's hashing threads",
    ("taskapi.db.sqlite_writes", "_locks"): "this process's SQLite write locks (workers meet on an flock)",
}


def test_module_level_mutable_state_is_only_known_per_process_caches():
    found = set()
    for module_info in pkgutil.walk_packages(taskapi.__path__, "taskapi."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            # UPPER_CASE names are constants (NO_STORE, SORT_KEYS, ...), never written to.
            if isinstance(value, CONTAINERS) and not name.isupper() and not name.startswith("__"):
                found.add((module_info.name, name))
    assert found == set(PER_PROCESS_CACHES)
