"""Issue 31, section 10: IANA zone names only, URLs on PUBLIC_URL, one local port, the email-change page."""

import json
import os
import re
import subprocess
import sys
import time

import pytest

from tests.conftest import PASSWORD
from tests.live import PROJECT_ROOT

LINK = re.compile(r"<([^>]+)>")


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules"])
def test_timezone_takes_iana_zone_names_only(client, user_headers, zone):
    response = client.patch("/users/me", json={"timezone": zone, "current_password": PASSWORD}, headers=user_headers)
    assert response.status_code == 422 and "timezone" in response.get_json()["errors"]


def test_timezone_still_takes_a_real_zone(client, user_headers):
    response = client.patch("/users/me", json={"timezone": "Europe/Paris", "current_password": PASSWORD},
                            headers=user_headers)
    assert response.status_code == 200 and response.get_json()["timezone"] == "Europe/Paris"


def test_location_and_link_are_built_on_public_url_not_on_the_requests_port(make_app):
    client = make_app(PUBLIC_URL="https://api.example.com").test_client()
    assert client.post("/auth/register", json={"username": "ada", "password": PASSWORD}).status_code == 201
    token = client.post("/auth/login", json={"username": "ada", "password": PASSWORD}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Host": "localhost:6666"}
    created = client.post("/tasks", json={"title": "one"}, headers=headers)
    client.post("/tasks", json={"title": "two"}, headers=headers)
    assert created.headers["Location"] == f"https://api.example.com/tasks/{created.get_json()['id']}"
    project = client.post("/projects", json={"name": "Launch"}, headers=headers)
    assert project.headers["Location"] == f"https://api.example.com/projects/{project.get_json()['id']}"
    listing = client.get("/tasks?per_page=1&sort=title", headers=headers)
    urls = LINK.findall(listing.headers["Link"])
    assert urls and all(url.startswith("https://api.example.com/tasks?") for url in urls)
    assert all("6666" not in url for url in urls)


def settings_for(**env):
    """ACCOUNT_PAGES_URL and WEBAUTHN_ORIGINS of a fresh config.py read with ``env``, and gunicorn's bind."""
    script = ("import json, runpy, config; g = runpy.run_path('gunicorn.conf.py');"
              "print(json.dumps([config.Config.ACCOUNT_PAGES_URL, config.Config.WEBAUTHN_ORIGINS, g['bind']]))")
    clean = {name: value for name, value in os.environ.items()
             if name not in {"PORT", "BIND", "HOST", "PUBLIC_URL", "ACCOUNT_PAGES_URL", "WEBAUTHN_ORIGINS"}}
    output = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env={**clean, **env},
                            capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_port_moves_the_local_links_and_origins_with_the_server():
    assert settings_for() == ["http://localhost:8000/account", ["http://localhost:8000"], "127.0.0.1:8000"]
    assert settings_for(PORT="8001") == ["http://localhost:8001/account", ["http://localhost:8001"], "127.0.0.1:8001"]
    public = settings_for(PUBLIC_URL="https://tasks.example.com/")
    assert public[:2] == ["https://tasks.example.com/account", ["https://tasks.example.com"]]


def test_the_confirm_email_change_page_applies_nothing_by_itself(client):
    page = client.get("/account/confirm-email-change").get_data(as_text=True)
    assert 'id="new-email"' in page and "Use this address" in page
    script = client.get("/account/static/landing.js").get_data(as_text=True)
    branch = script.split('page === "confirm-email-change"', 1)[1].split("} else if", 1)[0]
    assert 'fragment.get("email")' in branch and "textContent" in branch
    assert branch.index("onSubmit(form") < branch.index("api(")  # the API is called from the click only


def test_no_module_builds_an_absolute_url_around_external_url():
    """Absolute URLs come from taskapi.http.hosts.external_url (PUBLIC_URL), never from the request's Host."""
    package = PROJECT_ROOT / "taskapi"
    offenders = [str(path.relative_to(package)) for path in package.rglob("*.py")
                 if "_external=True" in path.read_text(encoding="utf-8")]
    assert offenders == []


def test_a_worker_freezes_what_it_built_at_startup(tmp_path):
    script = ("import gc, runpy; g = runpy.run_path('gunicorn.conf.py'); import wsgi;"
              "before = gc.get_freeze_count(); g['freeze_startup_objects']();"
              "print(before, gc.get_freeze_count())")
    output = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            check=True, env={**os.environ, "TASKAPI_ENV": "development",
                                                         "TASKAPI_INSTANCE_PATH": str(tmp_path),
                                                         "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite")}).stdout
    before, after = map(int, output.strip().splitlines()[-1].split())
    assert before == 0 and after > 10_000  # the app's own objects, not a handful


QUIT_WHILE_SUBMITTING = """
import concurrent.futures, os, runpy, signal, sys, time, types
g = runpy.run_path("gunicorn.conf.py")
pool = concurrent.futures.ThreadPoolExecutor(2)
worker = types.SimpleNamespace(cfg=types.SimpleNamespace(worker_int=lambda worker: None), tpool=pool, alive=True)
g["post_worker_init"](worker)
with pool._shutdown_lock:  # where the main thread is while it hands a request to the pool
    os.kill(os.getpid(), signal.SIGQUIT)
    time.sleep(10)
sys.exit(3)
"""


def test_a_worker_quits_at_once_even_while_handing_a_request_to_its_threads(tmp_path):
    """The quick-stop handler runs on the main thread wherever it was: it must take no lock held there."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", QUIT_WHILE_SUBMITTING], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 5
