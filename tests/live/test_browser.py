"""Swagger UI in a real Chromium: Authorize with the OAuth2 password flow, then Try it out on GET /tasks."""

import pytest
import requests

from tests.conftest import PASSWORD
from tests.live import gunicorn_server

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_authorize_and_try_get_tasks_in_swagger_ui(database_url, make_app, browser, tmp_path):
    make_app()  # empties the tables afterwards
    with gunicorn_server(database_url, workers=1, env={"RATELIMIT_ENABLED": "false"}) as url:
        requests.post(f"{url}/auth/register", json={"username": "swagger", "password": PASSWORD})
        token = requests.post(f"{url}/auth/login", json={"username": "swagger", "password": PASSWORD}).json()
        requests.post(f"{url}/tasks", json={"title": "Seen through Swagger UI"},
                      headers={"Authorization": f"Bearer {token['access_token']}"})

        page = browser.new_page(viewport={"width": 1280, "height": 2000})
        page.goto(f"{url}/docs")
        page.locator("button.authorize").first.click()
        oauth = page.locator(".auth-container").filter(has_text="password")
        oauth.locator("#oauth_username").fill("swagger")
        oauth.locator("#oauth_password").fill(PASSWORD)
        oauth.locator("button.authorize").click()
        page.locator(".auth-container").filter(has_text="Logout").first.wait_for()
        page.locator("button.btn-done").first.click()

        operation = page.locator(".opblock-get").filter(
            has=page.locator('.opblock-summary-path[data-path="/tasks"]'))
        operation.locator(".opblock-summary").first.click()
        operation.locator("button.try-out__btn").click()
        operation.locator("button.execute").click()
        status = operation.locator(".live-responses-table tbody .response-col_status").first
        status.wait_for()
        body = operation.locator(".live-responses-table .highlight-code").first.inner_text()
        page.screenshot(path=str(tmp_path / "swagger-ui.png"), full_page=True)

    assert status.inner_text().strip().startswith("200")
    assert "Seen through Swagger UI" in body
    assert (tmp_path / "swagger-ui.png").stat().st_size > 10_000
