"""The OpenAPI document describes every route; Swagger UI is served from local files."""

import re

import pytest

UNDOCUMENTED = {"static", "docs_assets.swagger_ui_asset", "api-docs.openapi_json", "api-docs.openapi_swagger_ui",
                "pages.static", "pages.index", "pages.verify_email", "pages.reset_password",
                "pages.confirm_email_change", "pages.signup", "pages.invitations", "pages.accept_invitation"}


@pytest.fixture
def spec(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(spec):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method != "parameters":
                yield path, method, operation


def test_every_route_is_documented(app, spec):
    documented = {(re.sub(r"\{[^}]+\}", "{}", path), method.upper()) for path, method, _ in operations(spec)}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDOCUMENTED:
            continue
        path = re.sub(r"<[^>]+>", "{}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {rule.rule} is missing from /openapi.json"


def test_security_schemes(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["oauth2"]["flows"]["password"]["tokenUrl"] == "/auth/token"


def test_protected_operations_declare_security_and_a_401_problem(spec):
    public = {("/auth/register", "post"), ("/register", "post"), ("/auth/login", "post"), ("/auth/token", "post"),
              ("/token", "post"), ("/healthz", "get"), ("/readyz", "get"), ("/auth/refresh", "post"),
              ("/auth/verify-email", "post"), ("/auth/password-reset/request", "post"),
              ("/auth/password-reset", "post"), ("/auth/email-change", "post"),
              ("/auth/passkeys/login/options", "post"), ("/auth/passkeys/login", "post"), ("/auth/login/2fa", "post")}
    for path, method, operation in operations(spec):
        if (path, method) in public:
            # register answers 401 only to role=admin with a bearer token that is not valid
            assert "401" not in operation["responses"] or path in {"/auth/login", "/auth/token", "/token",
                                                                   "/auth/refresh", "/auth/passkeys/login",
                                                                   "/auth/login/2fa", "/auth/register", "/register"}
            continue
        assert operation.get("security"), f"{method} {path} declares no security"
        assert "application/problem+json" in operation["responses"]["401"]["content"]


def test_every_error_response_is_a_problem_document(spec):
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status == "default" or int(status) >= 400:
                if "$ref" in response:  # a shared response: #/components/responses/<name>
                    response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                assert response["content"] == {"application/problem+json": {
                    "schema": {"$ref": "#/components/schemas/Problem"}}}, (path, method, status)
    problem_fields = set(spec["components"]["schemas"]["Problem"]["properties"])
    assert {"type", "title", "status", "detail", "errors"} <= problem_fields


def test_operations_have_summaries_and_tags(spec):
    for path, method, operation in operations(spec):
        assert operation.get("summary"), f"{method} {path} has no summary"
        assert operation.get("tags"), f"{method} {path} has no tag"
    tags = {tag["name"] for tag in spec["tags"]}
    assert {"auth", "tasks", "users"} <= tags


def test_version_comes_from_the_package(spec):
    from taskapi import __version__

    assert spec["info"]["version"] == __version__


def test_swagger_ui_is_served_without_a_cdn(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/docs/static/swagger-ui-bundle.js" in html and "/openapi.json" in html
    assert "https://" not in html and "http://" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert client.get(f"/docs/static/{asset}").status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
