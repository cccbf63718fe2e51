"""Service levels in headless Chromium, as an agent lives them: the
incident page shows each timer with its due time; the compliance page
draws its chart above its table; axe finds no serious or critical
violation on either."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from servista.core import clock
from servista.incidents import services as incidents
from servista.sla import services
from tests.browser import axe
from tests.browser.helpers import sign_in
from tests.sla.helpers import FIRST_RESPONSE, RESOLUTION

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def checked_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900},
                                  reduced_motion="reduce")
    axe.install(context)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def define(cast):
    calendar = services.save_calendar(cast.admin, {
        "name": "Round the clock", "time_zone": "Europe/Rome",
        "hours": [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(7)]})
    services.save_agreement(cast.admin, {
        "name": "Gold", "kind": "sla", "calendar": calendar, "targets": [
            {"kind": "first_response", "priority": None, "minutes": 30, "warnings": [75],
             **FIRST_RESPONSE},
            {"kind": "resolution", "priority": None, "minutes": 8 * 60, "warnings": [75],
             **RESOLUTION}]})


def log(cast, at, text):
    with clock.at(at):
        return incidents.log_incident(cast.agent, short_description=text,
                                      caller=cast.requester, impact=1, urgency=2)


def test_an_agent_sees_each_timer_and_the_compliance_report(live_server, checked_page, cast):
    define(cast)
    # History for the report: one met in time, one resolved late.
    opened = datetime(2026, 3, 9, 9, tzinfo=ROME)
    for text, hours in (("Printer jam", 1), ("VPN down", 12)):
        inc = log(cast, opened, text)
        with clock.at(opened + timedelta(hours=hours)):
            incidents.resolve(inc, cast.agent, resolution_code="solved_remotely",
                              resolution_notes="Done")
    current = log(cast, clock.now() - timedelta(minutes=5), "Mail is slow")
    timers = services.timers_of(current)
    assert len(timers) == 2
    page = checked_page
    sign_in(page, live_server.url, "alice")

    page.goto(f"{live_server.url}{current.get_absolute_url()}")
    panel = page.locator("#panel-sla-timers")
    expect(panel.locator(".sla-timer")).to_have_count(2)
    for timer in timers:
        row = panel.locator(".sla-timer", has_text=timer.get_kind_display())
        expect(row).to_contain_text(f"Gold · {timer.get_kind_display()}")
        due = row.locator("time").first
        expect(due).to_have_attribute("datetime", timer.due_at.isoformat())
        expect(row).to_contain_text("Due")
    axe.assert_accessible(page)

    page.goto(f"{live_server.url}/service-levels/compliance/?by=priority&kind=resolution")
    expect(page.locator("#compliance-chart canvas")).to_have_count(1)
    rows = page.locator("#compliance-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("50.0")  # one of the two resolutions met
    axe.assert_accessible(page)
