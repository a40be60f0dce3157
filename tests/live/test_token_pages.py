"""The security page's personal access tokens in a real Chromium: create (shown once, copied), list, revoke."""

import re

import pytest
import requests

from taskapi.auth.sessions.access_tokens import TOKEN_REGEX
from tests.conftest import PASSWORD
from tests.live.test_account_pages import page, register, sign_in, signed_in, site, until  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_create_copy_list_and_revoke_a_token(site, page):  # noqa: F811  (pytest fixtures)
    url, _ = site
    register(url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    sign_in(page, url)
    signed_in(page)
    page.locator("#tokens li").filter(has_text="No tokens yet.").wait_for()

    form = page.locator("#token-add")
    form.get_by_label("Name (what will use it)").fill("CI")
    form.get_by_label("tasks:read").check()
    form.get_by_label("Expires in (days, 1 to 366)").fill("30")
    form.get_by_label("Current password").fill("not the password at all")
    form.get_by_role("button", name="Create token").click()
    form.locator(".form-status[data-kind='error']").filter(has_text="Current password is incorrect").wait_for()
    assert page.locator("#token-created").is_hidden()

    form.get_by_label("Current password").fill(PASSWORD)
    form.get_by_label("tasks:read").check()
    form.get_by_role("button", name="Create token").click()
    page.locator("#token-created").wait_for()
    until(page, "document.activeElement.id === 'token-created-title'")
    token = page.locator("#token-value").input_value()
    assert re.fullmatch(TOKEN_REGEX, token)
    page.get_by_role("button", name="Copy", exact=True).click()
    page.locator("#token-copy-status").filter(has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == token
    row = page.locator("#tokens li").filter(has_text="CI")
    row.filter(has_text=f"…{token[-4:]}").wait_for()
    assert token not in page.locator("#tokens").inner_text()
    assert token not in page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")

    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{url}/tasks", headers=bearer).status_code == 200
    assert requests.post(f"{url}/tasks", json={"title": "no"}, headers=bearer).status_code == 403

    page.get_by_role("button", name="Done").click()
    assert page.locator("#token-value").input_value() == "" and page.locator("#token-created").is_hidden()
    page.get_by_role("button", name="Revoke token CI").click()
    page.locator("#tokens li").filter(has_text="No tokens yet.").wait_for()
    assert requests.get(f"{url}/tasks", headers=bearer).status_code == 401
    page.locator("#events li[data-type='token.revoked']").first.wait_for()
