"""Fixes from the web UI audit, in headless Chromium: dialogs (radio
choices, error answers, failed requests), the priority preview, the bulk bar,
in-place sorting, shortcuts, the detail page and the list on a phone, and the
portal's subcategories."""

import re

import pytest
from playwright.sync_api import expect

from servista.incidents import services
from servista.incidents.factories import CategoryFactory, IncidentFactory
from servista.incidents.models import Incident
from servista.testing import PASSWORD, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    expect(page).not_to_have_url(re.compile(r"/login/"))


@pytest.fixture
def cast(transactional_db):
    return make_cast()


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


def test_priority_preview_follows_every_change(live_server, page, cast):
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/incidents/new/")
    preview = page.locator("#priority-preview")
    expect(preview).to_have_text("3 - Moderate")
    page.select_option("#id_impact", "1")
    expect(preview).to_have_text("2 - High")
    page.select_option("#id_urgency", "1")
    expect(page.locator("#priority-preview")).to_have_text("1 - Critical")
    page.select_option("#id_impact", "3")
    expect(page.locator("#priority-preview")).to_have_text("3 - Moderate")


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
    modal.locator("#action-form-submit").click()
    expect(toast.last).to_contain_text("409")
    expect(toast.last).to_contain_text("not possible")
    expect(modal).to_be_visible()
    # A dialog the role may not open (403).
    page.evaluate("url => htmx.ajax('GET', url, {target: '#action-modal-content'})",
                  f"{inc.get_absolute_url()}priority/")
    expect(toast.last).to_contain_text("403")


def test_bulk_resolve_from_the_bar(live_server, page, cast):
    one, two = (IncidentFactory(caller=cast.requester) for _ in range(2))
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/incidents/")
    code = page.locator("#bulk-resolution-code")
    hold = page.locator("#bulk-hold-reason")
    for inc in (one, two):
        page.check(f"tr[data-number='{inc.number}'] input[name=selection]")
    expect(code).to_be_hidden()
    page.select_option("#bulk-state-select", "on_hold")
    expect(hold).to_be_visible()
    expect(code).to_be_hidden()
    page.select_option("#bulk-state-select", "resolved")
    expect(hold).to_be_hidden()
    expect(code).to_be_visible()
    code.select_option("solved_remotely")
    page.fill("#bulk-resolution-notes", "Restarted the print spooler")
    page.click("#bulk-state-submit")
    expect(page.locator("#messages")).to_contain_text("Done for 2")
    for inc in (one, two):
        inc.refresh_from_db()
        assert inc.state == "resolved"
        assert inc.resolution_notes == "Restarted the print spooler"


def test_header_sorting_is_in_place_and_keeps_filters(live_server, page, cast):
    new = IncidentFactory(caller=cast.requester)
    held = IncidentFactory(caller=cast.requester)
    services.put_on_hold(held, cast.agent, hold_reason="awaiting_caller")
    started = IncidentFactory(caller=cast.requester)
    services.take(started, cast.agent)
    IncidentFactory(caller=cast.requester, impact=1, urgency=1)  # filtered out
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/incidents/?priority=3&per_page=2&page=2")
    page.evaluate("window.notReloaded = true")
    page.locator("#incident-table thead a", has_text="State").click()
    expect(page).to_have_url(re.compile(r"sort=state"))
    assert "priority=3" in page.url and "page=2" not in page.url.replace("per_page", "")
    rows = page.locator("#incident-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-number", started.number)
    expect(rows.nth(1)).to_have_attribute("data-number", new.number)
    assert page.evaluate("window.notReloaded") is True


def test_shortcut_n_and_detail_labels(live_server, page, cast):
    inc = IncidentFactory(caller=cast.requester)
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}{inc.get_absolute_url()}")
    # Every label of the side card stays on one line.
    heights = page.evaluate("""() => Array.from(document.querySelectorAll('#incident-fields dt'))
        .map(dt => [dt.textContent.trim(), dt.getBoundingClientRect().height,
                    parseFloat(getComputedStyle(dt).lineHeight)])""")
    for label, height, line in heights:
        assert height < line * 1.5, f"{label} wraps"
    page.keyboard.press("n")
    expect(page).to_have_url(f"{live_server.url}/incidents/new/")


def test_list_on_a_phone(live_server, browser, cast):
    for _ in range(3):
        IncidentFactory(caller=cast.requester, short_description="A rather long description "
                        "of what is not working on the third floor")
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "alice")
        page.goto(f"{live_server.url}/incidents/")
        results = page.locator("#results").bounding_box()
        filters = page.locator("#filters").bounding_box()
        assert results["y"] < filters["y"], "results come first"
        table = page.evaluate("""() => {
            const c = document.querySelector('#results .table-container');
            return {scroll: c.scrollWidth, width: c.clientWidth,
                    overflow: getComputedStyle(c).overflowX,
                    page: document.documentElement.scrollWidth, view: window.innerWidth}; }""")
        assert table["scroll"] > table["width"]
        assert table["overflow"] in ("auto", "scroll")
        assert table["page"] <= table["view"], "the page itself does not overflow"
    finally:
        context.close()


def test_portal_subcategories_follow_the_category(live_server, page, cast):
    hardware = CategoryFactory(name="Hardware")
    printer = CategoryFactory(name="Printer", parent=hardware)
    software = CategoryFactory(name="Software")
    CategoryFactory(name="E-mail", parent=software)
    sign_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/portal/report/")
    page.fill("#id_short_description", "The printer eats paper")
    page.select_option("#id_category", str(hardware.pk))
    options = page.locator("#id_subcategory option")
    expect(options).to_have_count(2)
    expect(page.locator("#id_subcategory")).not_to_contain_text("E-mail")
    page.select_option("#id_subcategory", str(printer.pk))
    page.click("#report-form-submit")
    expect(page.locator("#ticket-state")).to_have_text("New")
    inc = Incident.objects.get(short_description="The printer eats paper")
    assert (inc.category, inc.subcategory) == (hardware, printer)
