"""Playwright in Debian's Chromium against a live server loaded with the seeds.

One browser for the browser tests, a fresh context (cookies, JavaScript setting) per test, and a
screenshot in ``test-artifacts/`` when a test fails.
"""

import os
import shutil
from pathlib import Path

import pytest

from archive.models import Article
from archive.seeds import seeds_load
from search import service as search_service
from search.outbox import outbox_drain
from search.types import SearchRequest
from tests.browser.chromium import CHROMIUM, launch

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all browser tests, closed after the last one (its event loop
    must not outlive them: it would trip Django's async guard in later tests)."""
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the browser
    # is open; the tests' ORM calls (fixtures, flushes) are plain synchronous code, so
    # Django's guard against ORM use inside an event loop is lifted for exactly that time.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """The live server's base URL, with the seeds in its database and index."""
    seeds_load()
    outbox_drain()  # whatever the after-commit hooks left queued
    assert search_service.search(SearchRequest()).total == Article.objects.count()
    return live_server.url


def _context(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _screenshot_on_failure(request, page) -> None:
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)


@pytest.fixture
def page(browser, request):
    context = _context(browser)
    page = context.new_page()
    yield page
    _screenshot_on_failure(request, page)
    context.close()


@pytest.fixture
def page_without_js(browser, request):
    context = _context(browser, java_script_enabled=False)
    page = context.new_page()
    yield page
    _screenshot_on_failure(request, page)
    context.close()
