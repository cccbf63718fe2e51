"""The incident page in headless Chromium: the labels of the side card stay
on one line, and the n shortcut opens a new incident."""

import pytest
from playwright.sync_api import expect

from servista.incidents.factories import IncidentFactory
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
