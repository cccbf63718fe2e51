import os

import pytest

# Playwright's sync API runs an event loop in this thread; the test still
# talks to the database synchronously, which Django otherwise refuses.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SERVISTA_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def cast(transactional_db):
    """The people of a test, committed so that the live server sees them."""
    from servista.testing import make_cast

    return make_cast()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
