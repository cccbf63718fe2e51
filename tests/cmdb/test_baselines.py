"""A baseline freezes a set of items (by class, service or name) with
their attributes and relationships; its difference with now or with
another baseline shows exactly what was added, removed and changed."""

import json
from io import StringIO

from django.core.management import call_command

from servista.catalog.factories import ServiceFactory
from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import Baseline, CIClass, Relationship, RelationshipType
from servista.testing import ServistaTestCase


class BaselineTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.a = ConfigurationItemFactory(name="a", attributes={"cpu_count": 2})
        self.b = ConfigurationItemFactory(name="b", attributes={"cpu_count": 4})
        self.c = ConfigurationItemFactory(name="c")
        self.app = ConfigurationItemFactory(name="app", ci_class=CIClass.objects.get(
            key="application"))
        self.runs_on = RelationshipType.objects.get(key="runs_on")
        Relationship.objects.create(type=self.runs_on, source=self.app, target=self.a)

    def take(self, name, **scope):
        r = self.api("POST", "/api/v1/ci-baselines", self.cast.manager, {"name": name, **scope})
        self.assertStatus(r, 201)
        return r.data

    def diff(self, ident, **params):
        r = self.api("GET", f"/api/v1/ci-baselines/{ident}/diff", self.cast.agent, params)
        self.assertStatus(r, 200)
        return r.data

    def test_one_attribute_and_one_relationship_changed_show_as_exactly_those_two(self):
        before = self.take("Servers Q1", ci_class="server")
        self.assertEqual(before["item_count"], 3)
        self.b.attributes = {"cpu_count": 8}
        self.b.save()
        Relationship.objects.create(type=self.runs_on, source=self.app, target=self.c)
        self.assertEqual(self.diff(before["id"]), {
            "added": [], "removed": [],
            "changed": [{"name": "b", "fields": {"attributes.cpu_count": {"old": 4,
                                                                          "new": 8}}}],
            "relationships_added": [["app", "runs_on", "c"]],
            "relationships_removed": [],
        })
        after = self.take("Servers Q2", ci_class="server")
        self.assertEqual(self.diff(before["id"], against=after["id"])["changed"],
                         [{"name": "b", "fields": {"attributes.cpu_count": {"old": 4,
                                                                            "new": 8}}}])
        nothing = self.diff(after["id"])
        self.assertEqual(nothing, {"added": [], "removed": [], "changed": [],
                                   "relationships_added": [], "relationships_removed": []})

    def test_added_removed_and_field_changes(self):
        first = self.take("All q", q="")
        ConfigurationItemFactory(name="d")
        self.c.delete()
        self.a.status = "retired"
        self.a.save()
        diff = self.diff(first["id"])
        self.assertEqual(diff["added"], ["d"])
        self.assertEqual(diff["removed"], ["c"])
        self.assertEqual(diff["changed"], [{"name": "a", "fields": {
            "status": {"old": "live", "new": "retired"}}}])

    def test_a_service_baseline_holds_what_the_service_depends_on(self):
        shop = ServiceFactory(name="Shop")
        svc = ConfigurationItemFactory(name="Shop", ci_class=CIClass.objects.get(
            key="business_service"), represents=shop)
        Relationship.objects.create(type=RelationshipType.objects.get(key="provides"),
                                    source=self.app, target=svc)
        baseline = Baseline.objects.get(pk=self.take("Shop now", service="Shop")["id"])
        names = sorted(v["name"] for v in baseline.items.values())
        self.assertEqual(names, ["Shop", "a", "app"])

    def test_refusals(self):
        with self.assertNothingChanged():
            r = self.api("POST", "/api/v1/ci-baselines", self.cast.agent, {"name": "x"})
            self.assertStatus(r, 403)
            r = self.api("POST", "/api/v1/ci-baselines", self.cast.manager,
                         {"name": "x", "ci_class": "toaster"})
            self.assertStatus(r, 422)
            self.assertIn("ci_class", r.data["errors"])

    def test_the_command_line_takes_and_compares(self):
        out = StringIO()
        call_command("ci", "baseline", "cli-base", "--class", "server", "--as", "maria",
                     stdout=out)
        self.assertEqual(out.getvalue().strip(), "cli-base: 3 items, 1 relationships")
        self.a.attributes = {"cpu_count": 3}
        self.a.save()
        out = StringIO()
        call_command("ci", "diff", "cli-base", "--as", "alice", stdout=out)
        self.assertEqual(json.loads(out.getvalue())["changed"][0]["name"], "a")
        self.client.force_login(self.cast.agent)
        page = self.client.get(f"/cis/baselines/{Baseline.objects.get().pk}/")
        self.assertContains(page, "attributes.cpu_count")
        self.assertContains(self.client.get("/cis/baselines/"), "cli-base")
