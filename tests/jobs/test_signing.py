"""The queue unpickles only what this app signed: a job written into its storage by anyone else never runs."""

import pickle
from pathlib import Path

from itsdangerous import Signer

from taskapi.jobs import current_jobs
from tests.conftest import ADA_EMAIL, PASSWORD
from tests.jobs.test_queue import register_and_request_reset

OLD_SECRET = "an-older-secret-key-of-at-least-32-bytes-0123456789"
NEW_SECRET = "the-current-secret-key-of-at-least-32-bytes-98765"


class Touch:
    """Unpickling this creates a file: what a forged job would do, harmlessly."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return Path.touch, (self.path,)


def test_a_job_this_app_did_not_sign_is_never_unpickled(make_app, smtp_server, jobs_consumer, tmp_path, caplog):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    forged = {name: tmp_path / name for name in ("unsigned", "signed with another key", "signature cut off")}
    stranger = Signer("someone else's key of 32 bytes or more")
    with app.app_context():
        huey = current_jobs().huey
        payloads = [
            pickle.dumps(Touch(forged["unsigned"])),
            stranger.sign(pickle.dumps(Touch(forged["signed with another key"]))),
            huey.serializer.serialize(Touch(forged["signature cut off"])).rsplit(b".", 1)[0],
        ]
        for payload in payloads:
            huey.storage.enqueue(payload)
    register_and_request_reset(app.test_client())  # two real jobs, queued behind the forged ones

    jobs_consumer(app)
    assert len(smtp_server.inbox.wait_for(2)) == 2  # the consumer went past the forged jobs and kept working
    assert [name for name, path in forged.items() if path.exists()] == []
    assert caplog.text.count("Error reading from queue") == len(payloads)
    assert "BadSignature" in caplog.text


def test_jobs_queued_before_a_key_rotation_still_run(make_app, smtp_server, jobs_consumer):
    before = make_app(SECRET_KEY=OLD_SECRET)
    register_and_request_reset(before.test_client())

    after = make_app(SECRET_KEY=NEW_SECRET, SECRET_KEY_FALLBACKS=[OLD_SECRET], MAIL_SERVER="127.0.0.1",
                     MAIL_PORT=smtp_server.port)
    jobs_consumer(after)
    assert sorted(message["Subject"] for message in smtp_server.inbox.wait_for(2)) == [
        "Confirm your email address", "Reset your password"]
    assert {message["To"] for message in smtp_server.inbox.messages} == {ADA_EMAIL}
    assert after.test_client().post("/auth/login", json={"username": "ada", "password": PASSWORD}).status_code == 200


def test_a_job_queued_before_its_argument_class_moved_still_loads():
    """A sealed mail token pickled under its old module path (jobs queued before the auth split) unpickles."""
    import sys
    import types
    from dataclasses import fields

    from taskapi.auth.mailed.deferred import SealedToken
    from taskapi.jobs.signing import MOVED_MODULES, SignedPickles

    old_path = "taskapi.auth.deferred"
    assert MOVED_MODULES[old_path] == SealedToken.__module__
    old_module = types.ModuleType(old_path)
    old_class = type("SealedToken", (), {"__module__": old_path, "__init__": lambda self, **values: vars(self).update(
        values)})
    old_module.SealedToken = old_class
    sys.modules[old_path] = old_module
    try:
        values = {"token_id": 7, "sealed": "ciphertext", "stamp": "stamp"}
        queued = SignedPickles(NEW_SECRET).serialize({"args": (old_class(**values),)})
    finally:
        del sys.modules[old_path]
    loaded = SignedPickles(NEW_SECRET).deserialize(queued)["args"][0]
    assert type(loaded) is SealedToken
    assert {field.name: getattr(loaded, field.name) for field in fields(SealedToken)} == values
