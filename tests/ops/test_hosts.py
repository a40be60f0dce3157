"""The Host header: only TRUSTED_HOSTS are answered, and no URL the API builds names any other host."""

import os
import re
import subprocess
import sys

import pytest

from config import Config, ProductionConfig, TestConfig
from taskapi import create_app
from tests.conftest import ADA_EMAIL
from tests.links import LINK
from tests.live import PROJECT_ROOT

EVIL = "evil.example"


def assert_untrusted_host_problem(response):
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and "Host" in body["detail"]
    assert EVIL not in response.get_data(as_text=True)  # the attacker's value is not echoed
    assert "Location" not in response.headers and "Link" not in response.headers


def operations(client):
    """Every (method, concrete path) in /openapi.json, path parameters filled with 1."""
    spec = client.get("/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method.upper(), re.sub(r"\{[^}]+\}", "1", path)


def test_every_operation_refuses_an_untrusted_host(client, user_headers):
    checked = 0
    for method, path in operations(client):
        response = client.open(path, method=method, json={}, headers={**user_headers, "Host": EVIL})
        assert_untrusted_host_problem(response)
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("host", [EVIL, f"{EVIL}:80", "localhost.evil.example", "127.0.0.1.evil.example",
                                  "[::1]", "bad host", "LOCALHOST"])
def test_untrusted_or_malformed_host_creates_nothing(client, user_headers, host):
    assert_untrusted_host_problem(client.post("/tasks", json={"title": "x"}, headers={**user_headers, "Host": host}))
    assert client.get("/tasks", headers=user_headers).get_json() == []


def test_location_and_link_name_the_trusted_host_of_the_request(client, user_headers):
    headers = {**user_headers, "Host": "127.0.0.1:8080", "X-Forwarded-Host": EVIL}
    created = client.post("/tasks", json={"title": "x"}, headers=headers)
    assert created.status_code == 201
    assert created.headers["Location"] == f"http://127.0.0.1:8080/tasks/{created.get_json()['id']}"
    listing = client.get("/tasks?per_page=1", headers=headers)
    urls = [url for url, _ in LINK.findall(listing.headers["Link"])]
    assert urls and all(url.startswith("http://127.0.0.1:8080/tasks?") for url in urls)


def test_forwarded_host_is_ignored_behind_a_trusted_proxy_too(make_app, auth):
    client = make_app(PROXY_FIX_X_FOR=1).test_client()
    assert client.post("/auth/register", json={"username": "ada", "password": "correct horse battery staple"}
                       ).status_code == 201
    token = client.post("/auth/login", json={"username": "ada", "password": "correct horse battery staple"}
                        ).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "X-Forwarded-Host": EVIL, "X-Forwarded-For": "10.0.0.1"}
    created = client.post("/tasks", json={"title": "x"}, headers=headers)
    assert created.headers["Location"].startswith("http://localhost/tasks/")


def test_a_mail_is_not_sent_for_an_untrusted_host_and_links_never_use_the_host(mail_app, smtp_server):
    mail_app.config["ACCOUNT_PAGES_URL"] = "https://accounts.example/account"  # configured, not the request's
    client = mail_app.test_client()
    response = client.post("/auth/register", json={"username": "ada", "password": "correct horse battery staple",
                                                   "email": ADA_EMAIL}, headers={"Host": EVIL})
    assert_untrusted_host_problem(response)
    assert client.post("/auth/register", json={"username": "ada", "password": "correct horse battery staple",
                                               "email": ADA_EMAIL}, headers={"Host": "127.0.0.1"}).status_code == 201
    (mail,) = smtp_server.inbox.wait_for(1)
    text = mail.get_body(("plain",)).get_content()
    assert "127.0.0.1" not in mail.as_string() and "localhost" not in text
    assert "https://accounts.example/account/verify-email#token=" in text


def test_production_refuses_to_start_without_trusted_hosts():
    settings = type("Prod", (ProductionConfig,), {"SECRET_KEY": "s" * 32, "JWT_SECRET_KEY": None,
                                                  "SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_HOSTS": []})
    with pytest.raises(RuntimeError, match="TRUSTED_HOSTS must be set"):
        create_app(settings)


PROBE = """
from taskapi import create_app
app = create_app()
client = app.test_client()
print(app.config["TRUSTED_HOSTS"])
print([client.get("/healthz", headers={"Host": host}).status_code
       for host in ("api.example.com", "a.tenants.example.com:443", "localhost")])
"""


def run_probe(**env):
    environment = {name: value for name, value in os.environ.items() if name != "TRUSTED_HOSTS"}
    environment.update(TASKAPI_ENV="production", SECRET_KEY="s" * 32, DATABASE_URL="sqlite://", **env)
    return subprocess.run([sys.executable, "-c", PROBE], cwd=PROJECT_ROOT, env=environment, capture_output=True,
                          text=True, timeout=60)


def test_production_takes_trusted_hosts_from_the_environment():
    result = run_probe(TRUSTED_HOSTS="api.example.com, .tenants.example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == ["['api.example.com', '.tenants.example.com']", "[200, 200, 400]"]


def test_production_environment_without_trusted_hosts_does_not_start():
    result = run_probe()
    assert result.returncode != 0
    assert "TRUSTED_HOSTS must be set" in result.stderr


def test_development_defaults_to_the_local_names(tmp_path):
    settings = type("Dev", (Config,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
                                       "TRUSTED_HOSTS": []})
    client = create_app(settings).test_client()
    assert client.get("/healthz", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "localhost:8000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": EVIL}).status_code == 400


def test_tests_trust_only_the_local_names():
    assert TestConfig.TRUSTED_HOSTS == ["localhost", "127.0.0.1"]


@pytest.mark.live
def test_under_gunicorn_in_production_only_the_trusted_host_is_answered(database_url, make_app):
    import requests

    from tests.live import gunicorn_server

    make_app()  # empties the tables afterwards
    with gunicorn_server(database_url, workers=1, env={"RATELIMIT_ENABLED": "false"}) as url:
        account = {"username": "ada", "password": "correct horse battery staple"}
        assert requests.post(f"{url}/auth/register", json=account).status_code == 201
        token = requests.post(f"{url}/auth/login", json=account).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        evil = requests.post(f"{url}/tasks", json={"title": "x"}, headers={**headers, "Host": EVIL})
        assert evil.status_code == 400 and evil.headers["Content-Type"] == "application/problem+json"
        assert "Location" not in evil.headers
        created = requests.post(f"{url}/tasks", json={"title": "x"}, headers=headers)
        assert created.headers["Location"] == f"{url}/tasks/{created.json()['id']}"
