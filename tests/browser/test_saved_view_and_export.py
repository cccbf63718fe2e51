"""Acceptance: an agent filters the incident list, saves the filter as a
view, comes back to it from the Views menu, exports it to CSV, and the file
holds exactly the rows the list shows, in its order."""

import csv
import re

import pytest
from playwright.sync_api import expect

from servista.core.models import SavedView
from servista.incidents.factories import IncidentFactory
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_save_a_filter_and_export_what_the_list_shows(live_server, page, cast):
    critical = [IncidentFactory(caller=cast.requester, impact=1, urgency=1) for _ in range(3)]
    for _ in range(4):
        IncidentFactory(caller=cast.requester)
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/incidents/")
    expect(page.locator("#results-count")).to_have_text(re.compile(r"7 results"))
    page.check("#filters input[name=priority][value='1']")
    expect(page.locator("#results-count")).to_have_text(re.compile(r"3 results"))
    # Save it, shared with the service desk.
    page.click("#save-view-toggle")
    page.fill("#save-view-name", "Critical ones")
    page.select_option("#save-view-group", label="Service Desk")
    page.click("#save-view-submit")
    expect(page.locator("#messages")).to_contain_text("View “Critical ones” saved")
    view = SavedView.objects.get()
    assert view.query == "priority=1" and view.shared_with == cast.service_desk
    # Back to the whole list, then the saved view from the menu.
    page.goto(f"{live_server.url}/incidents/")
    expect(page.locator("#results-count")).to_have_text(re.compile(r"7 results"))
    page.click("#views-menu")
    page.click("[data-saved-view='Critical ones']")
    expect(page.locator("#results-count")).to_have_text(re.compile(r"3 results"))
    shown = page.locator("#incident-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-number'))")
    assert sorted(shown) == sorted(inc.number for inc in critical)
    with page.expect_download() as info:
        page.click("#export-csv")
    path = info.value.path()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["Number", "Short description"]
    assert [row[0] for row in rows[1:]] == shown
