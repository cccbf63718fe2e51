"""The incident page's action dialogs in headless Chromium: a form error
replaces the form (not the dialog inside itself), radio choices can be
clicked, and failed requests (no network, 409, 403) are reported while the
dialog stays with what was typed."""

import pytest
from playwright.sync_api import expect

from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.testing import nothing_changed
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_dialog(page, action):
    page.click(f"#action-{action}")
    modal = page.locator("#action-modal")
    expect(modal).to_be_visible()
    expect(modal.locator("#action-form")).to_be_visible()
    return modal


def test_escalation_choices_can_be_clicked(live_server, page, cast):
    inc = IncidentFactory(caller=cast.requester)
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}{inc.get_absolute_url()}")
    modal = open_dialog(page, "escalate")
    # A first submission without a reason: the errors replace the form, not
    # the dialog inside itself.
    with nothing_changed(inc):
        modal.locator("#action-form-submit").click()
        expect(modal.locator(".invalid-feedback").first).to_be_visible()
    expect(modal.locator(".modal-header")).to_have_count(1)
    expect(modal.locator(".btn-close")).to_have_count(1)
    # The choices are full width and one a line; a mouse click on the label
    # of the second one selects it (nothing lies over it).
    modal.get_by_text("Hierarchical: inform management").click(timeout=5000)
    expect(modal.locator("input[value=hierarchical]")).to_be_checked()
    # ... and leaves the comment form's choice alone.
    expect(page.locator("#comment-form input[value=comment]")).to_be_checked()
    boxes = [modal.locator(f"label[for=id_kind_{i}]").bounding_box() for i in (0, 1)]
    assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1
    reason = modal.locator("#id_reason").bounding_box()
    assert reason["y"] >= boxes[1]["y"] + boxes[1]["height"]
    modal.locator("#id_reason").fill("The caller's whole floor is down")
    modal.locator("#action-form-submit").click()
    expect(page.locator("#incident-status")).to_contain_text("Escalated")
    inc.refresh_from_db()
    assert inc.escalated


def test_failed_requests_are_reported_and_the_dialog_stays(live_server, page, cast):
    inc = IncidentFactory(caller=cast.requester)
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}{inc.get_absolute_url()}")
    modal = open_dialog(page, "resolve")
    modal.locator("#id_resolution_code").select_option("solved_permanently")
    modal.locator("#id_resolution_notes").fill("Replaced the toner")
    # No network: a notice, and the dialog keeps what was typed.
    page.route("**/resolve/", lambda route: route.abort())
    modal.locator("#action-form-submit").click()
    toast = page.locator("#toast-area .servista-error")
    expect(toast.last).to_contain_text("Network error")
    expect(modal).to_be_visible()
    expect(modal.locator("#id_resolution_notes")).to_have_value("Replaced the toner")
    page.unroute("**/resolve/")
    # Meanwhile someone else cancels it: the action is refused (409).
    services.cancel(inc, cast.agent2, reason="Duplicate")
    with nothing_changed(inc):
        modal.locator("#action-form-submit").click()
        expect(toast.last).to_contain_text("409")
    expect(toast.last).to_contain_text("not possible")
    expect(modal).to_be_visible()
    # A dialog the role may not open (403).
    with nothing_changed(inc):
        page.evaluate("url => htmx.ajax('GET', url, {target: '#action-modal-content'})",
                      f"{inc.get_absolute_url()}priority/")
        expect(toast.last).to_contain_text("403")
