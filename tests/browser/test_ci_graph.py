"""The configuration item's page draws its graph (Cytoscape.js, vendored)
in headless Chromium under the Content-Security-Policy: the item and its
neighbours; a click on a neighbour re-centres the graph on it, the depth
control widens it, and a double-click opens the neighbour's page."""

import re

import pytest
from playwright.sync_api import expect

from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import CIClass, Relationship, RelationshipType
from servista.cmdb.structure import ensure_structure
from tests.browser.helpers import sign_in
from tests.browser.test_content_security_policy import violations, watched

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click_node(page, ci, double=False):
    """Click the node of ``ci`` where the canvas draws it."""
    box = page.locator("#ci-graph").bounding_box()
    pos = page.evaluate("id => document.getElementById('ci-graph').cy.$id(id)"
                        ".renderedPosition()", str(ci.pk))
    x, y = box["x"] + pos["x"], box["y"] + pos["y"]
    if double:
        page.mouse.dblclick(x, y)
    else:
        page.mouse.click(x, y)


def test_the_graph_follows_an_edge_to_a_neighbour(live_server, page, cast):
    messages = watched(page)
    sign_in(page, live_server.url, "alice")
    ensure_structure()
    classes = {c.key: c for c in CIClass.objects.all()}
    types = {t.key: t for t in RelationshipType.objects.all()}
    app = ConfigurationItemFactory(name="shop-app", ci_class=classes["application"])
    vm = ConfigurationItemFactory(name="vm-1", ci_class=classes["virtual_machine"])
    host = ConfigurationItemFactory(name="host-1", ci_class=classes["server"])
    san = ConfigurationItemFactory(name="san-1", ci_class=classes["storage"])
    Relationship.objects.create(type=types["runs_on"], source=app, target=vm)
    Relationship.objects.create(type=types["runs_on"], source=vm, target=host)
    Relationship.objects.create(type=types["depends_on"], source=host, target=san)
    page.goto(f"{live_server.url}/cis/{app.pk}/")
    graph = page.locator("#ci-graph")
    expect(graph).to_have_attribute("data-state", "ready")
    expect(graph).to_have_attribute("data-centre", str(app.pk))
    expect(graph).to_have_attribute("data-nodes", "3")           # depth 2: app, vm, host
    # Follow the edge app → vm: the graph is centred on the neighbour.
    click_node(page, vm)
    expect(graph).to_have_attribute("data-centre", str(vm.pk))
    expect(page.locator("#ci-graph-centre")).to_have_text("Centred on vm-1.")
    expect(graph).to_have_attribute("data-nodes", "4")           # vm sees the storage too
    page.select_option("#ci-graph-depth", "1")
    expect(graph).to_have_attribute("data-nodes", "3")
    click_node(page, host, double=True)
    expect(page).to_have_url(re.compile(rf"/cis/{host.pk}/$"))
    expect(page.locator("#ci-relationships")).to_contain_text("hosts vm-1")
    assert violations(page) == [] and messages == []


def test_a_new_item_made_through_its_form_is_related_and_followed(live_server, page, cast):
    """A manager creates an item through "New configuration item": the
    class chosen draws its attributes, a wrong value comes back on its
    input, the item saved names its service; then, on its page, relates it
    to a server and follows the edge in the graph."""
    from servista.catalog.factories import ServiceFactory
    from tests.browser.axe import assert_accessible, install

    install(page.context)
    messages = watched(page)
    ensure_structure()
    classes = {c.key: c for c in CIClass.objects.all()}
    shop = ServiceFactory(name="Web shop")
    ConfigurationItemFactory(name="Web shop", ci_class=classes["business_service"],
                             represents=shop)
    rack = ConfigurationItemFactory(name="Rack A", ci_class=classes["location"])
    host = ConfigurationItemFactory(name="host-1", ci_class=classes["server"])
    sign_in(page, live_server.url, "maria")
    page.goto(f"{live_server.url}/cis/new/")
    page.fill("#id_name", "vm-7")
    expect(page.locator("#ci-attribute-fields")).to_contain_text("Choose a class")
    page.select_option("#id_ci_class", "virtual_machine")
    expect(page.locator("#id_attr__hypervisor")).to_be_visible()    # drawn by HTMX
    expect(page.locator("#id_attr__serial_number")).to_be_visible()   # inherited
    page.fill("#id_attr__cpu_count", "4")
    page.select_option("#id_attr__operating_system", "linux")
    page.fill("#id_attr__location", "host-1")                         # not a location
    page.select_option("#id_service", str(shop.pk))
    page.click("#ci-form-submit")
    error = page.locator("#id_attr__location_error")
    expect(error).to_contain_text("is not a Location")
    described = page.locator("#id_attr__location").get_attribute("aria-describedby")
    assert "id_attr__location_error" in described.split()
    assert_accessible(page, "#ci-form")
    page.fill("#id_attr__location", rack.name)
    page.click("#ci-form-submit")
    item = page.locator("#ci-attributes")
    expect(item).to_contain_text("Rack A")
    expect(page.locator("h1")).to_have_text("vm-7")
    expect(page.locator("#ci-relationships")).to_contain_text("provides Web shop")
    expect(page.locator("#ci-impact-services")).to_contain_text("Web shop")
    assert_accessible(page, "#ci-relationships")
    # Relate it to the server from its page, then follow the edge.
    page.select_option("#id_rel-type", "runs_on")
    page.fill("#id_rel-target", "host-1")
    page.click("#relationship-form-submit")
    expect(page.locator("#ci-relationships")).to_contain_text("runs on host-1")
    graph = page.locator("#ci-graph")
    expect(graph).to_have_attribute("data-state", "ready")
    graph.scroll_into_view_if_needed()     # the forms above push it down the page
    click_node(page, host)
    expect(graph).to_have_attribute("data-centre", str(host.pk))
    click_node(page, host, double=True)
    expect(page).to_have_url(re.compile(rf"/cis/{host.pk}/$"))
    expect(page.locator("#ci-relationships")).to_contain_text("hosts vm-7")
    assert violations(page) == [] and messages == []
