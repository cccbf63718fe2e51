"""The incident list in headless Chromium: the bulk bar (its state's fields
appear as the state is chosen), header sorting in place that keeps the
filters, and the list on a phone (results first, the table scrolls, the page
does not)."""

import re

import pytest
from playwright.sync_api import expect

from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
