"""The worker's shared app (tests/shared_app.py): what a test leaves in it is reset, or the app is thrown away."""

import pytest
from limits import parse

from taskapi.auth.sessions.verified_tokens import EXTENSION as VERIFIED_TOKENS
from taskapi.http.rate_limits import rate_limiter
from taskapi.jobs.queue import EXTENSION as JOBS
from tests.conftest import build_app, jobs_settings
from tests.shared_app import SharedApp


@pytest.fixture
def holder(database_url, tmp_path):
    """A SharedApp of its own, on the session database."""
    outbox = tmp_path / "outbox"
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_OUTBOX_DIR": str(outbox), **jobs_settings(tmp_path)}
    shared = SharedApp(lambda: build_app(settings), outbox)
    yield shared
    shared.close()


def test_an_untouched_app_is_handed_out_again(holder):
    app = holder.get()
    app.test_client().get("/healthz")
    holder.release("first")
    assert holder.get() is app and holder.discarded == []


@pytest.mark.parametrize("change", [
    lambda app: app.config.update(RATELIMIT_ENABLED=True),
    lambda app: app.config["TRUSTED_HOSTS"].append("evil.example"),
    lambda app: app.before_request(lambda: None),
    lambda app: app.extensions.update(extra=object()),
    lambda app: setattr(app, "json", None),
], ids=["config", "config-in-place", "hook", "extension", "attribute"])
def test_an_app_a_test_changed_is_thrown_away(holder, change):
    app = holder.get()
    change(app)
    holder.release("changer")
    assert holder.get() is not app and holder.discarded[0][0] == "changer"


def test_a_route_added_before_the_first_request_is_seen(holder):
    app = holder.get()
    app.add_url_rule("/extra", "extra", lambda: "")
    holder.release("router")
    assert holder.app is None and "url_map rules" in holder.discarded[0][1]


def test_counters_queue_outbox_and_token_memory_are_emptied(holder):
    app = holder.get()
    limiter = rate_limiter(app)
    assert limiter.hit(parse("1/hour"), "someone")
    app.extensions[JOBS].huey.storage.enqueue(b"job")
    holder.outbox.mkdir(parents=True)
    (holder.outbox / "mail.eml").write_text("hello")
    app.extensions[VERIFIED_TOKENS].add("token", {"exp": 2**40, "nbf": 0})
    holder.release("filler")
    assert holder.get() is app
    assert limiter.hit(parse("1/hour"), "someone")
    assert app.extensions[JOBS].huey.storage.queue_size() == 0
    assert not holder.outbox.exists()
    assert app.extensions[VERIFIED_TOKENS].get("token") is None
