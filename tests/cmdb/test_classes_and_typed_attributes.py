"""CI classes defined in data with typed attribute schemas, inherited down
the hierarchy and checked on every write: a wrong type, an unknown class or
attribute answers 422 naming the field and stores nothing."""

from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import CIClass, ConfigurationItem
from servista.core.models import JournalEntry
from servista.testing import ServistaTestCase


class ClassSchemaTest(ServistaTestCase):
    def make_class(self, **extra):
        data = {"key": "load_balancer", "name": "Load balancer", "parent": "network_device",
                "identification": ["serial_number", "name"],
                "attributes": [
                    {"key": "vip_count", "type": "integer", "required": True},
                    {"key": "mode", "type": "choice", "choices": ["active", "standby"]},
                    {"key": "throughput_gbps", "type": "decimal"},
                    {"key": "ssl_offload", "type": "boolean"},
                    {"key": "installed_on", "type": "date"},
                    {"key": "rack", "type": "reference", "reference_class": "location"},
                ], **extra}
        return self.api("POST", "/api/v1/ci-classes", self.cast.admin, data)

    def test_a_class_inherits_its_ancestors_attributes(self):
        r = self.make_class()
        self.assertStatus(r, 201)
        keys = [(a["key"], a["defined_on"]) for a in r.data["attributes"]]
        # hardware's, then network device's, then its own.
        self.assertEqual(keys[0], ("serial_number", "hardware"))
        self.assertIn(("ip_address", "network_device"), keys)
        self.assertEqual(keys[-6:], [(k, "load_balancer") for k in (
            "vip_count", "mode", "throughput_gbps", "ssl_offload", "installed_on", "rack")])
        self.assertEqual(r.data["parent"], "network_device")
        got = self.api("GET", "/api/v1/ci-classes/load_balancer", self.cast.agent)
        self.assertStatus(got, 200)
        self.assertEqual(got.data["attributes"], r.data["attributes"])

    def test_only_administrators_define_classes(self):
        with self.assertNothingChanged():
            r = self.api("POST", "/api/v1/ci-classes", self.cast.manager,
                         {"key": "x", "name": "X"})
            self.assertStatus(r, 403)
        self.assertFalse(CIClass.objects.filter(key="x").exists())

    def test_a_redefined_attribute_or_choices_without_a_choice_are_refused(self):
        before = CIClass.objects.count()
        r = self.api("POST", "/api/v1/ci-classes", self.cast.admin, {
            "key": "blade", "name": "Blade", "parent": "server",
            "attributes": [{"key": "hostname", "type": "string"}]})
        self.assertStatus(r, 422)
        self.assertIn("attributes.0.key", r.data["errors"])
        r = self.api("POST", "/api/v1/ci-classes", self.cast.admin, {
            "key": "blade", "name": "Blade", "attributes": [{"key": "tier", "type": "choice"}]})
        self.assertStatus(r, 422)
        self.assertIn("attributes.0.choices", r.data["errors"])
        self.assertEqual(CIClass.objects.count(), before)


class ItemAttributesTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.room = ConfigurationItemFactory(name="dc1-room-a", ci_class=CIClass.objects.get(
            key="location"))

    def create(self, user=None, **data):
        body = {"name": "web-01", "ci_class": "virtual_machine", **data}
        return self.api("POST", "/api/v1/cis", user or self.cast.manager, body)

    def test_an_item_takes_the_attributes_of_its_class_and_ancestors(self):
        r = self.create(short_name="WEB1", abbreviations="WEB, W1", environment="test",
                        status="in_build", organization="Acme Corp", owner="alice",
                        attributes={"serial_number": "SN-1", "hostname": "web-01.example",
                                    "cpu_count": 4, "memory_gb": 15.5,
                                    "operating_system": "linux", "hypervisor": "kvm",
                                    "purchase_date": "2026-01-31", "location": "dc1-room-a"})
        self.assertStatus(r, 201)
        ci = ConfigurationItem.objects.get(name="web-01")
        self.assertEqual(ci.attributes["cpu_count"], 4)
        self.assertEqual(ci.attributes["location"], self.room.pk)   # stored by id
        self.assertEqual((ci.status, ci.environment, ci.organization.name, ci.owner.username),
                         ("in_build", "test", "Acme Corp", "alice"))
        self.assertEqual(r.data["ci_class"], "virtual_machine")
        self.assertEqual(r.data["identifier"], str(ci.identifier))
        [entry] = JournalEntry.objects.filter(object_id=ci.pk,
                                              content_type__model="configurationitem")
        self.assertIn("attributes", entry.changes)

    def test_wrong_types_unknown_attributes_and_classes_are_refused_naming_the_field(self):
        cases = [
            ({"attributes": {"cpu_count": "four"}}, "attributes.cpu_count"),
            ({"attributes": {"cpu_count": 2.5}}, "attributes.cpu_count"),
            ({"attributes": {"memory_gb": "lots"}}, "attributes.memory_gb"),
            ({"attributes": {"operating_system": "beos"}}, "attributes.operating_system"),
            ({"attributes": {"purchase_date": "31/01/2026"}}, "attributes.purchase_date"),
            ({"attributes": {"location": "nowhere"}}, "attributes.location"),
            ({"attributes": {"location": "srv-x"}}, "attributes.location"),
            ({"attributes": {"colour": True}}, "attributes.colour"),      # a printer's
            ({"ci_class": "toaster"}, "ci_class"),
        ]
        ConfigurationItemFactory(name="srv-x")   # a server, not a location
        for data, field in cases:
            with self.subTest(field=field, data=data), self.assertNothingChanged():
                r = self.create(**data)
                self.assertStatus(r, 422)
                self.assertIn(field, r.data["errors"])
        self.assertFalse(ConfigurationItem.objects.filter(name="web-01").exists())

    def test_a_change_is_checked_against_the_class_too(self):
        ci = ConfigurationItemFactory(name="db-01", attributes={"hostname": "db-01"})
        with self.assertNothingChanged(ci):
            r = self.api("PATCH", f"/api/v1/cis/{ci.pk}", self.cast.manager,
                         {"attributes": {"cpu_count": True}})
            self.assertStatus(r, 422)
            self.assertEqual(list(r.data["errors"]), ["attributes.cpu_count"])
        # Moving to a class without the attribute refuses the item's values.
        with self.assertNothingChanged(ci):
            r = self.api("PATCH", f"/api/v1/cis/{ci.pk}", self.cast.manager,
                         {"ci_class": "application"})
            self.assertStatus(r, 422)
            self.assertIn("attributes.hostname", r.data["errors"])
        r = self.api("PATCH", f"/api/v1/cis/{ci.pk}", self.cast.manager,
                     {"attributes": {"hostname": "db-01", "cpu_count": 8}})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["attributes"], {"hostname": "db-01", "cpu_count": 8})

    def test_a_required_attribute_must_be_given(self):
        self.api("POST", "/api/v1/ci-classes", self.cast.admin, {
            "key": "firewall", "name": "Firewall", "parent": "network_device",
            "attributes": [{"key": "policy_count", "type": "integer", "required": True}]})
        with self.assertNothingChanged():
            r = self.create(ci_class="firewall")
            self.assertStatus(r, 422)
            self.assertIn("attributes.policy_count", r.data["errors"])
        self.assertStatus(self.create(ci_class="firewall", attributes={"policy_count": 3}), 201)

    def test_items_are_filtered_by_class_below_and_by_attribute(self):
        ConfigurationItemFactory(name="a", attributes={"operating_system": "linux",
                                                       "cpu_count": 8})
        ConfigurationItemFactory(name="b", attributes={"operating_system": "windows"})
        vm = ConfigurationItemFactory(name="c", ci_class=CIClass.objects.get(
            key="virtual_machine"), attributes={"operating_system": "linux"})

        def names(**params):
            r = self.api("GET", "/api/v1/cis", self.cast.agent, params)
            self.assertStatus(r, 200)
            return sorted(item["name"] for item in r.data["items"])

        self.assertEqual(names(attribute="operating_system=linux"), ["a", "c"])
        self.assertEqual(names(attribute="cpu_count=8"), ["a"])
        self.assertEqual(names(ci_class="server", attribute="operating_system=linux"),
                         ["a", "c"])
        self.assertEqual(names(ci_class="virtual_machine"), [vm.name])
        self.assertEqual(names(attribute="nonsense"), [])
        # The list page offers the same filters.
        self.client.force_login(self.cast.agent)
        page = self.client.get("/cis/", {"attribute": "operating_system=windows"})
        self.assertContains(page, ">b<")
        self.assertNotContains(page, ">a<")

    def test_requesters_and_agents_outside_the_owners_may_not_write(self):
        with self.assertNothingChanged():
            self.assertStatus(self.create(user=self.cast.agent), 403)
            self.assertStatus(self.create(user=self.cast.requester), 403)


class AdminChecksAttributesTest(ServistaTestCase):
    def test_the_admin_refuses_a_wrong_attribute_and_stores_nothing(self):
        self.client.force_login(self.cast.admin)
        data = {"name": "adm-1", "ci_class": "server", "status": "live",
                "environment": "production", "criticality": "medium",
                "attributes": '{"cpu_count": "many"}'}
        with self.assertNothingChanged():
            page = self.client.post("/admin/cmdb/configurationitem/add/", data)
            self.assertContains(page, "attributes.cpu_count")
        data["attributes"] = '{"cpu_count": 2}'
        self.client.post("/admin/cmdb/configurationitem/add/", data)
        self.assertEqual(ConfigurationItem.objects.get(name="adm-1").attributes,
                         {"cpu_count": 2})
