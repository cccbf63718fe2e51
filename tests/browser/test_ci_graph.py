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
