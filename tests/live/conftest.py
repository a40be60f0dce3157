"""Fixtures shared by the live tests: a real Chromium for the browser tests."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture
def browser():
    """Debian's Chromium under Playwright (skipped, loudly, where it is not installed)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"BROWSER TEST NOT RUN: {CHROMIUM} is missing (apt-get install -y chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="BROWSER TEST NOT RUN: playwright missing")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
