"""The app factory: configuration, secrets, and what it refuses."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import Config, ProductionConfig, TestConfig
from taskapi import create_app
from taskapi.auth.sessions.keys import load_or_create_local_secret
from tests import SCRATCH_INSTANCE
from tests.live import PROJECT_ROOT


def test_testing_config(app):
    assert app.testing
    assert app.config["BCRYPT_LOG_ROUNDS"] == 4


def test_default_config_is_not_testing(tmp_path, monkeypatch):
    settings = type("Dev", (Config,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    assert not create_app(settings).testing


def test_taskapi_instance_path_moves_the_secret_the_database_and_the_queue(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TASKAPI_INSTANCE_PATH", "state")  # relative to the working directory
    app = create_app(type("Dev", (Config,), {"SECRET_KEY": None, "JWT_SECRET_KEY": None,
                                             "SQLALCHEMY_DATABASE_URI": None}))
    assert app.instance_path == str(tmp_path / "state")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'state' / 'taskapi.sqlite'}"
    assert (tmp_path / "state" / "secret_key").read_text() == app.config["SECRET_KEY"]
    assert (tmp_path / "state" / "jobs.sqlite").exists()


def test_no_app_of_the_suite_uses_the_projects_instance_folder_not_even_at_import(tmp_path):
    """Modules that build an app when imported (the spec's reader) run after the scratch folder is set."""
    script = ("import flask, os\n"
              "paths = []\n"
              "init = flask.Flask.__init__\n"
              "def record(self, *args, **kwargs):\n"
              "    init(self, *args, **kwargs)\n"
              "    paths.append(self.instance_path)\n"
              "flask.Flask.__init__ = record\n"
              "import tests.conftest\n"
              "print(os.environ['TASKAPI_INSTANCE_PATH'], *paths)\n")
    environment = {name: value for name, value in os.environ.items() if name != "TASKAPI_INSTANCE_PATH"}
    output = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=environment, capture_output=True,
                            text=True, check=True).stdout
    scratch, *paths = output.strip().splitlines()[-1].split()
    assert paths and all(path == scratch for path in paths), (scratch, paths)
    assert PROJECT_ROOT not in Path(scratch).parents


def test_the_suite_keeps_out_of_the_projects_instance_folder(app):
    """A test run leaves nothing in instance/ for `make run` to find: no secret, no queued job, no mail."""
    assert Path(app.instance_path) == Path(SCRATCH_INSTANCE)
    assert PROJECT_ROOT not in Path(app.instance_path).parents


def test_production_refuses_missing_secret():
    settings = type("Prod", (ProductionConfig,), {"SECRET_KEY": None, "JWT_SECRET_KEY": None})
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app(settings)


def test_production_refuses_short_secret():
    settings = type("Prod", (ProductionConfig,), {"SECRET_KEY": "short", "JWT_SECRET_KEY": None})
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        create_app(settings)


def test_production_accepts_strong_secret():
    settings = type("Prod", (ProductionConfig,), {"SECRET_KEY": "s" * 32, "JWT_SECRET_KEY": None,
                                                  "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                                  "TRUSTED_HOSTS": ["api.example.com"]})
    assert create_app(settings).config["JWT_SECRET_KEY"] == "s" * 32


def test_local_secret_is_generated_once_and_private(tmp_path):
    first = load_or_create_local_secret(str(tmp_path))
    second = load_or_create_local_secret(str(tmp_path))
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("TASKAPI_ENV", "staging")
    with pytest.raises(RuntimeError, match="TASKAPI_ENV"):
        create_app()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_when_database_answers(client):
    assert client.get("/readyz").status_code == 200


def test_readyz_when_database_is_unreachable(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"


def test_test_config_uses_fast_bcrypt():
    assert TestConfig.BCRYPT_LOG_ROUNDS == 4
