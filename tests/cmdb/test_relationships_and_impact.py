"""Relationships follow the rules of their type (which classes it may join,
no self-loop; a cycle is reported, not refused), are journaled on both
items, and impact analysis walks them in the database in the direction a
failure travels: downstream (what a failure reaches, up to the services)
and upstream (what an item depends on), each result with its depth and
path; through the API, the command line and the item's page."""

from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError

from servista.catalog.factories import ServiceFactory
from servista.cmdb import services
from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import CIClass, Relationship, RelationshipType
from servista.core.models import JournalEntry
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase


def item(name, key, **extra):
    return ConfigurationItemFactory(name=name, ci_class=CIClass.objects.get(key=key), **extra)


def relate(source, type_key, target):
    return Relationship.objects.create(type=RelationshipType.objects.get(key=type_key),
                                       source=source, target=target)


class GraphCase(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.shop = ServiceFactory(name="Web shop")
        self.dc = item("dc1", "location")
        self.switch = item("core-sw", "network_device")
        self.server = item("srv-1", "server")
        self.vm = item("vm-1", "virtual_machine")
        self.app = item("shop-app", "application")
        self.db = item("shop-db", "database")
        self.svc = item("Web shop", "business_service", represents=self.shop)
        relate(self.dc, "contains", self.switch)
        relate(self.switch, "connected_to", self.server)
        relate(self.vm, "runs_on", self.server)
        relate(self.app, "runs_on", self.vm)
        relate(self.db, "runs_on", self.server)
        relate(self.app, "depends_on", self.db)
        relate(self.app, "provides", self.svc)


class ImpactTest(GraphCase):
    def reached(self, ci, **options):
        result = services.impact(ci, **options)
        return {r.ci.name: (r.depth, [step.name for step in r.path]) for r in result.items}

    def test_downstream_follows_the_way_failures_travel_to_the_services(self):
        reached = self.reached(self.server)
        self.assertEqual(reached, {
            "core-sw": (1, ["srv-1", "core-sw"]),      # connected both ways
            "vm-1": (1, ["srv-1", "vm-1"]),
            "shop-db": (1, ["srv-1", "shop-db"]),
            "shop-app": (2, reached["shop-app"][1]),
            "Web shop": (3, reached["Web shop"][1]),
        })
        self.assertIn(reached["shop-app"][1], (["srv-1", "vm-1", "shop-app"],
                                               ["srv-1", "shop-db", "shop-app"]))
        self.assertNotIn("dc1", reached)               # the room does not fail with a server
        result = services.impact(self.server)
        self.assertEqual([r.ci.name for r in result.services], ["Web shop"])

    def test_upstream_is_what_an_item_depends_on(self):
        reached = self.reached(self.svc, direction="upstream")
        self.assertEqual({name: depth for name, (depth, _) in reached.items()},
                         {"shop-app": 1, "vm-1": 2, "shop-db": 2, "srv-1": 3, "core-sw": 4,
                          "dc1": 5})
        self.assertEqual(reached["dc1"][1],
                         ["Web shop", "shop-app", reached["dc1"][1][2], "srv-1", "core-sw",
                          "dc1"])

    def test_depth_limits_the_walk(self):
        self.assertEqual(sorted(self.reached(self.server, depth=1)),
                         ["core-sw", "shop-db", "vm-1"])
        self.assertNotIn("Web shop", self.reached(self.server, depth=2))

    def test_a_cycle_is_reported_and_the_walk_still_ends(self):
        r = self.api("POST", "/api/v1/ci-relationships", self.cast.manager,
                     {"type": "depends_on", "source": "shop-db", "target": "shop-app"})
        self.assertStatus(r, 201)
        self.assertTrue(r.data["cycle"])
        reached = self.reached(self.db, depth=10)
        self.assertEqual(reached["shop-app"][0], 1)
        r = self.api("POST", "/api/v1/ci-relationships", self.cast.manager,
                     {"type": "depends_on", "source": "shop-app", "target": "srv-1"})
        self.assertFalse(r.data["cycle"])

    def test_the_api_answers_items_services_paths_and_depths(self):
        r = self.api("GET", f"/api/v1/cis/{self.server.pk}/impact", self.cast.agent)
        self.assertStatus(r, 200)
        self.assertEqual(r.data["direction"], "downstream")
        self.assertEqual([s["ci"]["display"] for s in r.data["services"]], ["Web shop"])
        self.assertEqual(r.data["services"][0]["service"]["display"], "Web shop")
        self.assertEqual(r.data["services"][0]["depth"], 3)
        self.assertEqual(r.data["services"][0]["path"][0]["name"], "srv-1")
        r = self.api("GET", "/api/v1/cis/Web shop/impact", self.cast.agent,
                     {"direction": "upstream", "depth": 2})
        self.assertEqual(sorted(i["ci"]["display"] for i in r.data["items"]),
                         ["shop-app", "shop-db", "vm-1"])
        for params, field in (({"depth": 0}, "depth"), ({"depth": 11}, "depth"),
                              ({"direction": "sideways"}, "direction"),
                              ({"deepness": 2}, "deepness")):
            with self.subTest(params=params):
                r = self.api("GET", f"/api/v1/cis/{self.server.pk}/impact", self.cast.agent,
                             params)
                self.assertStatus(r, 422)
                self.assertIn(field, r.data["errors"])
        self.assertStatus(self.api("GET", f"/api/v1/cis/{self.server.pk}/impact",
                                   self.cast.requester), 404)

    def test_the_command_line_prints_paths_and_services(self):
        out = StringIO()
        call_command("ci", "impact", "srv-1", "--as", "alice", stdout=out)
        text = out.getvalue()
        self.assertIn("1  vm-1  (srv-1 → vm-1)", text)
        self.assertIn("Services reached: Web shop", text)
        out = StringIO()
        call_command("ci", "impact", "Web shop", "--upstream", "--depth", "1", "--as", "alice",
                     stdout=out)
        self.assertIn("1  shop-app  (Web shop → shop-app)", out.getvalue())
        with self.assertRaisesMessage(CommandError, "--depth"):
            call_command("ci", "impact", "srv-1", "--depth", "0", "--as", "alice")

    def test_the_item_page_shows_attributes_relationships_impact_and_incidents(self):
        self.server.attributes = {"hostname": "srv-1.example", "cpu_count": 8}
        self.server.save()
        incident = IncidentFactory(configuration_item=self.server, caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        page = self.client.get(f"/cis/{self.server.pk}/", {"depth": 3})
        self.assertContains(page, "srv-1.example")
        self.assertContains(page, "Host name")
        self.assertContains(page, "hosts")                      # vm-1 runs on it
        self.assertContains(page, 'id="ci-impact-services"')
        self.assertContains(page, incident.number)
        self.assertContains(page, "cytoscape.min.js")
        page = self.client.get(f"/cis/{self.svc.pk}/", {"direction": "upstream", "depth": 1})
        self.assertContains(page, "shop-app")
        graph = self.client.get(f"/cis/{self.server.pk}/graph/", {"depth": 1}).json()
        self.assertEqual(sorted(n["data"]["label"] for n in graph["nodes"]),
                         ["core-sw", "shop-db", "srv-1", "vm-1"])
        self.assertEqual(len(graph["edges"]), 3)
        self.client.force_login(self.cast.requester)
        self.assertEqual(self.client.get(f"/cis/{self.server.pk}/graph/").status_code, 404)


class RelationshipRulesTest(GraphCase):
    def post(self, user=None, **data):
        return self.api("POST", "/api/v1/ci-relationships", user or self.cast.manager, data)

    def test_forbidden_pairs_self_loops_and_unknowns_answer_422_and_store_nothing(self):
        cases = [
            ({"type": "provides", "source": "shop-app", "target": "shop-db"}, "type"),
            ({"type": "runs_on", "source": "srv-1", "target": "shop-app"}, "type"),
            ({"type": "depends_on", "source": "shop-app", "target": "shop-app"}, "target"),
            ({"type": "nonsense", "source": "shop-app", "target": "shop-db"}, "type"),
            ({"type": "depends_on", "source": "nothing", "target": "shop-db"}, "source"),
            ({"type": "depends_on", "source": "shop-app", "target": "shop-db"}, "target"),
        ]
        for data, field in cases:
            with self.subTest(data=data), self.assertNothingChanged(self.app, self.db):
                r = self.post(**data)
                self.assertStatus(r, 422)
                self.assertIn(field, r.data["errors"])
        self.assertIn("Application", self.post(**cases[0][0]).data["detail"])

    def test_a_relationship_is_journaled_on_both_items_and_removed(self):
        r = self.post(type="runs_on", source="shop-app", target="srv-1")
        self.assertStatus(r, 201)
        self.assertEqual(r.data["type"]["name"], "runs on")
        bodies = set(JournalEntry.objects.filter(content_type__model="configurationitem")
                     .values_list("body", flat=True))
        self.assertIn("Relationship added: shop-app runs on srv-1", bodies)
        self.assertIn("Relationship added: srv-1 hosts shop-app", bodies)
        rel_id = r.data["id"]
        self.assertStatus(self.api("DELETE", f"/api/v1/ci-relationships/{rel_id}",
                                   self.cast.agent), 403)
        self.assertStatus(self.api("DELETE", f"/api/v1/ci-relationships/{rel_id}",
                                   self.cast.manager), 204)
        self.assertFalse(Relationship.objects.filter(pk=rel_id).exists())

    def test_the_owners_of_the_source_relate_it_and_others_may_not(self):
        self.app.owner_group = self.cast.network
        self.app.save()
        with self.assertNothingChanged(self.app):
            self.assertStatus(self.post(user=self.cast.agent, type="depends_on",
                                        source="shop-app", target="srv-1"), 403)
        self.assertStatus(self.post(user=self.cast.agent2, type="depends_on",
                                    source="shop-app", target="srv-1"), 201)

    def test_the_command_line_relates_and_refuses(self):
        out = StringIO()
        call_command("ci", "relate", "shop-app", "runs_on", "srv-1", "--as", "maria", stdout=out)
        self.assertEqual(out.getvalue().strip(), "shop-app runs on srv-1")
        with self.assertRaisesMessage(CommandError, "target: An item cannot be related"):
            call_command("ci", "relate", "srv-1", "depends_on", "srv-1", "--as", "maria")
        with self.assertRaisesMessage(CommandError, "type: 'provides' may not join"):
            call_command("ci", "relate", "srv-1", "provides", "shop-db", "--as", "maria")
