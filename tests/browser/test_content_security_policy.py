"""Under the Content-Security-Policy the pages work in headless Chromium and
the browser reports no violation: HTMX dialogs, comments and filters, the
portal, the admin and the API's interactive documents."""

import re

import pytest
from playwright.sync_api import expect

from servista.incidents.factories import IncidentFactory
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def violations(page):
    return page.evaluate("window.__violations")


def watched(page):
    page.add_init_script(WATCH)
    messages = []
    page.on("console", lambda msg: messages.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    return messages


def test_agent_pages_work_with_no_violation(live_server, page, cast):
    messages = watched(page)
    inc = IncidentFactory(caller=cast.requester, short_description="Printer on fire")
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}{inc.get_absolute_url()}")
    # An HTMX dialog: loaded into the modal, submitted, the page updated.
    page.click("#action-take")
    page.wait_for_load_state("networkidle")
    dialog = page.locator("#action-modal #action-form")
    expect(dialog.or_(page.locator("#messages"))).to_be_visible()
    if page.locator("#action-modal #action-form").is_visible():
        page.locator("#action-form-submit").click()
    page.wait_for_load_state("networkidle")
    page.reload()
    expect(page.get_by_text("In progress").first).to_be_visible()
    # A comment through HTMX.
    page.fill("#comment-form textarea", "Looking into it under a strict policy")
    page.locator("#comment-form button[type=submit]").click()
    expect(page.get_by_text("Looking into it under a strict policy")).to_be_visible()
    assert violations(page) == []
    # The list's filters swap the results in place.
    page.goto(f"{live_server.url}/incidents/")
    page.locator("#results").wait_for()
    expect(page.locator("#results")).to_contain_text(inc.number)
    page.fill("#filters input[name=q]", "no such words at all")
    page.locator("#filters input[name=q]").press("Enter")
    expect(page.locator("#results")).not_to_contain_text(inc.number)
    expect(page).to_have_url(re.compile(r"q=no(\+|%20)such"))  # pushed by HTMX
    assert violations(page) == []
    for path in ("/api/v1/docs", "/notifications/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
    expect(page.locator("body")).to_be_visible()
    assert messages == []


def test_portal_and_admin_work_with_no_violation(live_server, page, cast):
    messages = watched(page)
    inc = IncidentFactory(caller=cast.requester)
    sign_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/portal/tickets/{inc.number}/")
    page.fill("#comment-form textarea", "Still broken")
    page.click("#comment-submit")
    expect(page.get_by_text("Still broken")).to_be_visible()
    assert violations(page) == []
    page.context.clear_cookies()
    sign_in(page, live_server.url, "root")
    page.goto(f"{live_server.url}/admin/incidents/incident/")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert messages == []
