"""Forms that follow what is chosen, in headless Chromium: the new-incident
form's priority preview follows impact and urgency, and the portal's
subcategories follow the category."""

import pytest
from playwright.sync_api import expect

from servista.incidents.factories import CategoryFactory
from servista.incidents.models import Incident
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
