"""One app per test worker for the tests that take the default ``app``, reset after every test.

Building an app is about half of a short test's time (flask-smorest documents some hundred
operations), and most tests take the default app unchanged. So it is built once per worker and
handed to each such test. After a test, what a test can leave in an app is reset: the rate-limit
counters, the job queue, the mail outbox and the verified-token memory (the caller empties the
tables). What cannot be reset is compared with how the app was handed out: its config, its
attributes, hooks, routes and extensions. A test that changed any of them has the app thrown away,
so the next test gets a new one: a test may still change its app, it just pays for a new one.
"""

import copy
import shutil
from functools import cached_property

import werkzeug.utils

from taskapi.auth.sessions.verified_tokens import EXTENSION as VERIFIED_TOKENS
from taskapi.auth.sessions.verified_tokens import VerifiedTokens
from taskapi.extensions import db
from taskapi.http.api import api
from taskapi.http.rate_limits import rate_limiter
from taskapi.jobs.queue import EXTENSION as JOBS

# Set by Flask on the first request, whoever serves it: not a change a test made.
FLASK_FLAGS = {"_got_first_request"}


class Same:
    """A leaf of a fingerprint: equal only to the very same object."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, Same) and self.value is other.value

    def __repr__(self):
        return f"Same({self.value!r})"


def shape(value, depth=3):
    """``value`` as nested tuples down to ``depth`` levels of dicts and lists, its leaves by identity.

    Empty dicts and lists count as absent: Flask's error_handler_spec is a defaultdict that grows
    empty entries as handlers are looked up.
    """
    if depth and isinstance(value, dict):
        items = tuple((key, held) for key, item in value.items() if (held := shape(item, depth - 1)) is not None)
        return ("dict", items) if items else None
    if depth and isinstance(value, list):
        return ("list", tuple(shape(item, depth - 1) for item in value)) if value else None
    return Same(value)


def fingerprint(app):
    """What a test could change in ``app`` but not undo: its attributes (hooks, extensions...) and routes."""
    lazy = {name for klass in type(app).__mro__ for name, member in vars(klass).items()
            if isinstance(member, (cached_property, werkzeug.utils.cached_property))}
    found = {name: shape(value) for name, value in vars(app).items()
             if name not in FLASK_FLAGS and name not in lazy and name != "config"}
    found["url_map rules"] = tuple((rule.rule, rule.endpoint, tuple(sorted(rule.methods or ())))
                                   for rule in app.url_map.iter_rules())
    return found


def changes(app, config, attributes):
    """The names of what differs from the config and fingerprint ``app`` was handed out with."""
    found = [f"config[{key!r}]" for key in config.keys() | app.config.keys()
             if app.config.get(key, Same) != config.get(key, Same)]
    now = fingerprint(app)
    found += [name for name in now.keys() | attributes.keys() if now.get(name) != attributes.get(name)]
    return found


class SharedApp:
    """The worker's default app, made by ``build()`` on first use; its mail goes to ``outbox``."""

    def __init__(self, build, outbox):
        self.build = build
        self.outbox = outbox
        self.app = None
        self.config = None
        self.attributes = None
        self.api_state = None
        self.discarded = []  # (test id, changes): why an app was thrown away, for the curious

    def get(self):
        """The app, built if needed, with flask-smorest's one Api pointed back at it."""
        if self.app is None:
            self.app = self.build()
            self.api_state = (api.spec, api.config)
            self.config = copy.deepcopy(dict(self.app.config))
            self.reset()
        # Every create_app() rebinds the module's Api to the newest app; /openapi.json and the docs
        # pages read its spec and config, so they are this app's own again.
        api.spec, api.config = self.api_state
        return self.app

    def release(self, test_id):
        """After a test: throw the app away if the test changed it, else reset what tests fill."""
        if self.app is None:
            return
        found = changes(self.app, self.config, self.attributes)
        if found:
            self.discarded.append((test_id, found))
            self.close()
            return
        self.reset()

    def reset(self):
        """Empty the rate-limit counters, the queue, the outbox and the verified-token memory."""
        app = self.app
        rate_limiter(app).storage.reset()
        app.extensions[JOBS].huey.storage.flush_all()
        shutil.rmtree(self.outbox, ignore_errors=True)
        if app.extensions.get(VERIFIED_TOKENS) is not None:
            app.extensions[VERIFIED_TOKENS] = VerifiedTokens(app.config["JWT_VERIFIED_TOKENS"],
                                                            app.config["JWT_DECODE_LEEWAY"])
        self.attributes = fingerprint(app)

    def close(self):
        """Release the app's connections and forget it."""
        if self.app is not None:
            with self.app.app_context():
                db.engine.dispose()
                self.app.extensions[JOBS].huey.storage.flush_all()  # a Redis queue outlives the run
        self.app = None
