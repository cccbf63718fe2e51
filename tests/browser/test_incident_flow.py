"""End to end in headless Chromium: a requester reports an incident in the
portal; an agent finds it in the queue, takes it and resolves it; the
requester sees it resolved."""

import re

import pytest
from playwright.sync_api import expect

from servista.incidents.models import Incident
from servista.testing import PASSWORD, make_cast, nothing_changed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")


def sign_out(page):
    page.click("#user-menu")
    page.click("#logout-button")
    expect(page).to_have_url(re.compile(r"/login/"))


def test_report_take_resolve_and_see_resolved(live_server, page):
    make_cast()
    base = live_server.url

    # The requester lands in the portal and reports a problem.
    sign_in(page, base, "rita")
    expect(page).to_have_url(f"{base}/portal/")
    page.click("#report-button")
    page.fill("#id_short_description", "The 3rd floor printer prints blank pages")
    page.fill("#id_description", "Since this morning, every job comes out blank.")
    page.select_option("#id_urgency", "2")
    page.click("#report-form-submit")
    expect(page.locator("#ticket-state")).to_have_text("New")
    incident = Incident.objects.get(short_description__startswith="The 3rd floor printer")
    assert incident.caller.username == "rita"
    expect(page.locator("body")).to_contain_text(incident.number)
    sign_out(page)

    # The agent finds it in their groups' unassigned queue, takes and resolves it.
    sign_in(page, base, "alice")
    expect(page).to_have_url(f"{base}/dashboard/")  # nothing assigned to her yet
    page.click("a[data-shortcut='g w']")
    expect(page).to_have_url(f"{base}/incidents/queue/mine/")
    page.click("#queue-groups")
    row = page.locator(f"tr[data-number='{incident.number}']")
    expect(row).to_be_visible()
    row.get_by_role("link", name=incident.number).click()
    expect(page).to_have_url(f"{base}/incidents/{incident.number}/")
    page.click("#action-take")
    expect(page.locator("#field-assigned-to")).to_have_text("Alice")
    expect(page.locator("#incident-status")).to_contain_text("In progress")

    page.click("#action-resolve")
    modal = page.locator("#action-modal")
    expect(modal).to_be_visible()
    # Submitting without a code shows the error inline, in the modal.
    modal.locator("#id_resolution_notes").fill("Replaced the toner cartridge.")
    with nothing_changed(incident):
        modal.locator("#action-form-submit").click()
        expect(modal).to_contain_text("A resolution code is required")
    modal.locator("#id_resolution_code").select_option("solved_permanently")
    modal.locator("#action-form-submit").click()
    expect(page.locator("#incident-status")).to_contain_text("Resolved")
    incident.refresh_from_db()
    assert incident.state == "resolved"
    sign_out(page)

    # The requester sees it resolved, with the resolution notes.
    sign_in(page, base, "rita")
    page.click(f"text={incident.number}")
    expect(page.locator("#ticket-state")).to_have_text("Resolved")
    expect(page.locator("#resolution-box")).to_contain_text("Replaced the toner cartridge.")
