"""Security headers on every response; CORS only for configured origins."""

import pytest


@pytest.mark.parametrize("path", ["/healthz", "/tasks", "/no/such/route", "/openapi.json"])
def test_security_headers_everywhere(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_authenticated_responses_are_not_cached(client, user_headers):
    assert client.get("/tasks", headers=user_headers).headers["Cache-Control"] == "no-store"


@pytest.mark.own_app("adds a route")
def test_docs_get_their_own_policy(app, client):
    @app.get("/docs/probe")
    def probe():
        return "ok"

    policy = client.get("/docs/probe").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy


def test_no_cors_by_default(client):
    response = client.get("/healthz", headers={"Origin": "https://app.example.com"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_for_allowed_origins_only(make_app):
    client = make_app(CORS_ORIGINS=["https://app.example.com"]).test_client()
    allowed = client.get("/healthz", headers={"Origin": "https://app.example.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "X-Total-Count" in allowed.headers["Access-Control-Expose-Headers"]
    other = client.get("/healthz", headers={"Origin": "https://evil.example.net"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options("/tasks", headers={"Origin": "https://app.example.com",
                                                  "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_a_views_own_security_headers_are_kept_once_whatever_their_case(make_app):
    app = make_app()

    @app.get("/probe-own-headers")
    def probe():
        return "ok", 200, {"x-frame-options": "SAMEORIGIN", "content-security-policy": "default-src 'self'",
                           "cache-control": "private, max-age=5"}

    response = app.test_client().get("/probe-own-headers", headers={"Authorization": "Bearer x"})
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'self'"]
    assert response.headers.getlist("Cache-Control") == ["private, max-age=5"]
    assert response.headers.getlist("X-Content-Type-Options") == ["nosniff"]  # the rest still added
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]


def test_each_security_header_appears_once(client, user_headers):
    response = client.get("/tasks", headers=user_headers)
    for name in ("X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Content-Security-Policy",
                 "Cache-Control"):
        assert len(response.headers.getlist(name)) == 1, name
