"""WCAG 2.2 AA with axe-core in headless Chromium: no critical or serious
violation on the pages a service desk uses every day, in an open action
dialog, and on a form showing its errors; and what axe cannot see, walked
with the keyboard alone: the skip link, the dialog's name and the focus
given back to its opener, field errors read with their field, filter
results announced, and single-key shortcuts a person can turn off."""

import re

import pytest
from playwright.sync_api import expect

from servista.core import personal
from servista.incidents.factories import IncidentFactory
from servista.testing import PASSWORD
from tests.browser import axe
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def checked_page(browser):
    # Reduced motion: Bootstrap then shows dialogs at once (no half-faded
    # colours for axe to measure).
    context = browser.new_context(viewport={"width": 1366, "height": 900},
                                  reduced_motion="reduce")
    axe.install(context)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_sign_in_page(live_server, checked_page, cast):
    checked_page.goto(f"{live_server.url}/login/")
    axe.assert_accessible(checked_page)


def test_portal_pages(live_server, checked_page, cast):
    inc = IncidentFactory(caller=cast.requester, impact=2, urgency=1)
    page = checked_page
    sign_in(page, live_server.url, "rita")
    for path in ("/portal/", "/portal/report/", f"/portal/tickets/{inc.number}/"):
        page.goto(f"{live_server.url}{path}")
        axe.assert_accessible(page)


def test_agent_pages(live_server, checked_page, cast):
    inc = IncidentFactory(caller=cast.requester, impact=2, urgency=1,
                          assignment_group=cast.service_desk, assigned_to=cast.agent,
                          opened_by=cast.agent)
    IncidentFactory(caller=cast.requester, impact=1, urgency=1)
    page = checked_page
    sign_in(page, live_server.url, "alice")
    for path in ("/incidents/queue/mine/", "/incidents/", inc.get_absolute_url(),
                 f"{inc.get_absolute_url()}edit/", "/incidents/new/", "/problems/",
                 "/knowledge/", "/dashboard/", "/preferences/"):
        page.goto(f"{live_server.url}{path}")
        axe.assert_accessible(page)


def test_an_open_action_dialog(live_server, checked_page, cast):
    inc = IncidentFactory(caller=cast.requester)
    page = checked_page
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}{inc.get_absolute_url()}")
    page.click("#action-resolve")
    page.locator("#action-modal #action-form").wait_for()
    expect(page.locator("#action-modal.show")).to_be_visible()
    axe.assert_accessible(page)
    # With its errors shown.
    page.click("#action-form-submit")
    page.locator("#action-modal .invalid-feedback").first.wait_for()
    axe.assert_accessible(page)


def test_keyboard_only_walk_of_the_main_flow(live_server, checked_page, cast):
    inc = IncidentFactory(caller=cast.requester, opened_by=cast.agent,
                          assignment_group=cast.service_desk, assigned_to=cast.agent)
    page = checked_page
    page.goto(f"{live_server.url}/login/")
    # Sign in with the keyboard: the username field, Tab, the password, Enter.
    page.locator("#id_username").focus()
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/incidents/queue/mine/"))
    # The first Tab reaches the skip link; Enter moves focus to the content.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    # Tab to the incident's link in the queue, and open it.
    link = page.locator(f"tr[data-number='{inc.number}'] a").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(inc.number))
    # An action's dialog from the keyboard: named by its title, focus inside,
    # and Escape gives focus back to the button that opened it.
    opener = page.locator("#action-hold")
    opener.focus()
    page.keyboard.press("Enter")
    modal = page.locator("#action-modal")
    expect(modal.locator("#action-form")).to_be_visible()
    expect(modal).to_have_attribute("aria-labelledby", "action-modal-title")
    expect(page.locator("#action-modal-title")).to_contain_text("hold")
    assert page.evaluate("document.getElementById('action-modal').contains(document.activeElement)")
    # A field error is read with its field.
    page.locator("#action-form-submit").focus()
    page.keyboard.press("Enter")
    invalid = modal.locator("[aria-invalid=true]").first
    expect(invalid).to_be_visible()
    described = invalid.get_attribute("aria-describedby").split()
    error_ids = [i for i in described if i.endswith("_error")]
    assert error_ids, described
    for ident in described:
        assert page.locator(f"#{ident}").count() == 1, f"aria-describedby names no #{ident}"
    expect(page.locator(f"#{error_ids[0]}")).not_to_be_empty()
    page.keyboard.press("Escape")
    expect(modal).to_be_hidden()
    expect(opener).to_be_focused()


def test_filter_results_are_announced(live_server, checked_page, cast):
    IncidentFactory(caller=cast.requester, impact=1, urgency=1)
    IncidentFactory(caller=cast.requester)
    page = checked_page
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/incidents/")
    region = page.locator("#live-status")
    expect(region).to_have_attribute("aria-live", "polite")
    page.check("#filters input[name=priority][value='1']")
    expect(region).to_have_text(re.compile(r"^1 result$"))


def test_single_key_shortcuts_can_be_turned_off(live_server, checked_page, cast):
    page = checked_page
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/incidents/")
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/incidents/new/"))
    # Turned off on the preferences page: the same key does nothing.
    page.goto(f"{live_server.url}/preferences/")
    page.uncheck("#id_keyboard_shortcuts")
    page.click("#preferences-form-submit")
    expect(page.locator("#messages")).to_contain_text("Preferences saved")
    assert personal.preference(cast.agent).keyboard_shortcuts is False
    page.goto(f"{live_server.url}/incidents/")
    expect(page.locator("body")).to_have_attribute("data-shortcuts", "off")
    page.keyboard.press("n")
    page.wait_for_timeout(300)
    expect(page).to_have_url(re.compile(r"/incidents/$"))
