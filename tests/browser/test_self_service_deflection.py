"""The self-service loop in headless Chromium: a requester describes a
symptom in the portal, the article that solves it appears while they type,
they open it and say it solved their problem: no incident is logged and the
deflection is counted. An agent writing an incident sees the known error
with its workaround and uses the suggested category."""

import pytest
from playwright.sync_api import expect

from servista.catalog.factories import ServiceFactory
from servista.incidents import routing, services
from servista.incidents.factories import CategoryFactory, IncidentFactory
from servista.incidents.models import Incident
from servista.knowledge.factories import ArticleFactory
from servista.knowledge.models import Deflection
from servista.problems.factories import known_error
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_requester_solves_it_without_a_ticket(live_server, page, cast):
    vpn = ServiceFactory(name="VPN")
    article = ArticleFactory(opened_by=cast.agent, published_by=cast.manager, service=vpn,
                             short_description="VPN disconnects every few minutes",
                             description="Renew the VPN certificate: open the VPN client, "
                                         "choose **Renew**, then connect again.")
    before = Incident.objects.count()
    sign_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/portal/report/")
    page.locator("#id_short_description").press_sequentially("my vpn keeps disconnecting",
                                                             delay=20)
    suggestion = page.locator("#suggestions-articles a", has_text=article.short_description)
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.locator("#kb-body")).to_contain_text("Renew the VPN certificate")
    page.click("#kb-solved")
    expect(page.locator("#messages")).to_contain_text("No ticket was logged")
    assert Incident.objects.count() == before
    deflection = Deflection.objects.get()
    assert (deflection.article, deflection.user, deflection.service) == (article, cast.requester,
                                                                          vpn)
    assert "vpn keeps disconnecting" in deflection.query
    article.refresh_from_db()
    assert article.deflection_count == 1


def test_an_agent_sees_the_known_error_and_uses_the_suggested_category(live_server, page,
                                                                        cast):
    known = known_error(cast.agent, short_description="Outlook password prompt loops",
                        symptoms="Outlook keeps asking for the password")
    network, software = CategoryFactory(name="Network"), CategoryFactory(name="Software")
    for title, category in (("Outlook asks for the password", software),
                            ("Outlook password prompt again", software),
                            ("VPN drops", network)):
        incident = IncidentFactory(caller=cast.requester, opened_by=cast.agent,
                                   short_description=title, category=category)
        services.resolve(incident, cast.agent, resolution_code="solved_remotely",
                         resolution_notes="Fixed")
    routing.train()
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/incidents/new/")
    page.fill("#id_caller", "rita")
    page.locator("#id_short_description").press_sequentially("outlook keeps asking password",
                                                             delay=20)
    panel = page.locator("#suggestions-known_errors")
    expect(panel).to_contain_text(known.number)
    expect(panel).to_contain_text("Restart the filter service")
    page.click("#use-category")
    expect(page.locator("#id_category")).to_have_value(str(software.pk))
    page.click("#object-form-submit")
    expect(page.locator("#incident-status")).to_be_visible()
    logged = Incident.objects.get(short_description="outlook keeps asking password")
    assert logged.category == software
    assert logged.routing_suggestion.category_accepted
