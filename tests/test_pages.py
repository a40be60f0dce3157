"""The account pages: served under /account/ with their own strict CSP, no inline code, no token storage."""

from pathlib import Path

import pytest

from taskapi.mail.messages import action_link
from taskapi.pages import PAGES

STATIC = Path(__file__).resolve().parents[1] / "taskapi" / "pages" / "static"
ACCOUNT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


@pytest.mark.parametrize("path", ["/account/", "/account", "/account/verify-email", "/account/reset-password",
                                  "/account/confirm-email-change", "/account/static/app.js",
                                  "/account/static/style.css"])
def test_pages_are_served_with_the_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == ACCOUNT_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_scripts_are_javascript_modules(client):
    assert client.get("/account/static/app.js").mimetype in {"text/javascript", "application/javascript"}
    assert 'type="module"' in client.get("/account/").get_data(as_text=True)


def test_the_api_and_the_docs_keep_their_policies(client, app):
    assert client.get("/healthz").headers["Content-Security-Policy"] == app.config["API_CONTENT_SECURITY_POLICY"]
    assert client.get("/docs").headers["Content-Security-Policy"] == app.config["DOCS_CONTENT_SECURITY_POLICY"]
    # A path that merely starts with the same letters is not an account page.
    assert client.get("/accounts").headers["Content-Security-Policy"] == app.config["API_CONTENT_SECURITY_POLICY"]


def test_unknown_account_paths_are_problem_documents(client):
    response = client.get("/account/nope")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def served_pages(client):
    """{path: the HTML served there} for every account page."""
    return {path: client.get(f"/account/{path}").get_data(as_text=True) for path in PAGES}


def test_no_inline_code_and_no_token_storage_in_the_pages_and_scripts(client):
    html = served_pages(client).values()
    scripts = [path.read_text() for path in STATIC.glob("*.js")]
    assert len(html) == 7 and len(scripts) >= 8
    for page in html:
        assert "<style" not in page and " style=" not in page and "javascript:" not in page
        assert page.count("<script") == page.count('<script type="module" src="/account/static/')
    for script in scripts:
        for forbidden in ("localStorage", "sessionStorage", "document.cookie", "innerHTML", "outerHTML",
                          "insertAdjacentHTML", "eval(", "new Function"):
            assert forbidden not in script


def test_every_field_error_is_tied_to_its_input(client):
    for path, page in served_pages(client).items():
        errors = page.split('class="field-error"')[:-1]
        assert errors or path in {"verify-email", "confirm-email-change"}, path
        for chunk in errors:
            error_id = chunk.rsplit('id="', 1)[1].split('"', 1)[0]
            assert f'aria-describedby="{error_id}"' in page or f' {error_id}"' in page, (path, error_id)


def test_mail_links_point_at_the_account_pages_unless_a_front_end_is_set(make_app):
    with make_app(FRONTEND_URL=None, ACCOUNT_PAGES_URL="https://tasks.example.com/account").app_context():
        assert action_link("verify-email", "abc") == "https://tasks.example.com/account/verify-email#token=abc"
    with make_app(FRONTEND_URL="https://app.example.com", ACCOUNT_PAGES_URL="https://x.example/account").app_context():
        assert action_link("reset-password", "abc") == "https://app.example.com/reset-password#token=abc"
    with make_app(FRONTEND_URL=None, ACCOUNT_PAGES_URL=None).app_context():
        assert action_link("verify-email", "abc") is None


def test_the_default_link_base_is_configuration_not_the_host_header(make_app, client):
    app = make_app()
    assert app.config["ACCOUNT_PAGES_URL"] == "http://localhost:8000/account"
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert action_link("verify-email", "t").startswith("http://localhost:8000/account/")
