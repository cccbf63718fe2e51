"""An item's ``service`` (the service it supports) is kept in the graph:
setting it relates the item to the service's item (the item provides the
service, as the demo relates them), changing it moves that relationship,
clearing it removes it, each step journaled on both items; so impact
analysis reaches the service. The rule lives in ``cmdb.services`` and holds
for the API, the item's form and the command line alike. A service without
an item of its own gets one (of the business service class)."""

from io import StringIO

from django.core.management import call_command

from servista.catalog.factories import ServiceFactory
from servista.cmdb import services
from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import CIClass, ConfigurationItem, Relationship
from servista.core.models import JournalEntry
from servista.testing import ServistaTestCase, form_data


def item(name, key, **extra):
    return ConfigurationItemFactory(name=name, ci_class=CIClass.objects.get(key=key), **extra)


class ServiceFieldCase(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.shop = ServiceFactory(name="Web shop")
        self.shop_ci = item("Web shop", "business_service", represents=self.shop)
        self.mail = ServiceFactory(name="Email")
        self.mail_ci = item("Email", "business_service", represents=self.mail)
        self.app = item("shop-app", "application", owner_group=self.cast.network)

    def links(self, ci=None):
        ci = ci or self.app
        return sorted((r.source.name, r.type.key, r.target.name) for r in
                      Relationship.objects.filter(source=ci) | Relationship.objects.filter(
                          target=ci))

    def impact_services(self, ci=None, user=None):
        ci = ci or self.app
        r = self.api("GET", f"/api/v1/cis/{ci.name}/impact", user or self.cast.agent)
        self.assertStatus(r, 200)
        return [s["ci"]["display"] for s in r.data["services"]]


class ServiceFieldThroughTheAPITest(ServiceFieldCase):
    def patch(self, service, user=None):
        return self.api("PATCH", f"/api/v1/cis/{self.app.pk}", user or self.cast.manager,
                        {"service": service})

    def test_setting_the_service_relates_the_item_so_impact_reaches_it(self):
        self.assertEqual(self.impact_services(), [])
        self.assertStatus(self.patch("Web shop"), 200)
        self.assertEqual(self.links(), [("shop-app", "provides", "Web shop")])
        self.assertEqual(self.impact_services(), ["Web shop"])
        added = JournalEntry.objects.for_record(self.shop_ci).get()
        self.assertIn("is provided by shop-app", added.body)
        self.assertEqual(added.actor, self.cast.manager)
        bodies = [e.body for e in JournalEntry.objects.for_record(self.app)]
        self.assertTrue(any("provides Web shop" in b for b in bodies), bodies)

    def test_changing_it_moves_the_relationship_and_clearing_removes_it(self):
        self.patch("Web shop")
        self.assertStatus(self.patch("Email"), 200)
        self.assertEqual(self.links(), [("shop-app", "provides", "Email")])
        self.assertEqual(self.impact_services(), ["Email"])
        self.assertIn("removed", JournalEntry.objects.for_record(self.shop_ci)
                      .latest("pk").body)
        self.assertStatus(self.patch(None), 200)
        self.assertEqual(self.links(), [])
        self.assertEqual(self.impact_services(), [])
        self.assertIn("removed", JournalEntry.objects.for_record(self.mail_ci)
                      .latest("pk").body)

    def test_saving_the_same_service_again_adds_no_copy(self):
        self.patch("Web shop")
        self.assertStatus(self.patch("Web shop"), 200)
        self.assertStatus(self.api("PATCH", f"/api/v1/cis/{self.app.pk}", self.cast.manager,
                                   {"description": "Storefront"}), 200)
        self.assertEqual(self.links(), [("shop-app", "provides", "Web shop")])

    def test_the_relationship_migration_0002_made_is_kept_and_moved_too(self):
        # Existing data: the service's item depends on the items naming it.
        legacy = services.create_relationship(self.cast.admin, {
            "type": "depends_on", "source": self.shop_ci, "target": self.app},
            journal=False).relationship
        ConfigurationItem.objects.filter(pk=self.app.pk).update(service=self.shop)
        self.assertStatus(self.patch("Web shop"), 200)
        self.assertEqual(self.links(), [("Web shop", "depends_on", "shop-app")])
        self.assertStatus(self.patch("Email"), 200)
        self.assertFalse(Relationship.objects.filter(pk=legacy.pk).exists())
        self.assertEqual(self.links(), [("shop-app", "provides", "Email")])

    def test_an_item_whose_class_may_not_provide_is_depended_on_instead(self):
        room = item("Server room", "location")
        r = self.api("PATCH", f"/api/v1/cis/{room.pk}", self.cast.manager,
                     {"service": "Web shop"})
        self.assertStatus(r, 200)
        self.assertEqual(self.links(room), [("Web shop", "depends_on", "Server room")])
        self.assertEqual(self.impact_services(room), ["Web shop"])

    def test_a_service_without_an_item_gets_one(self):
        payroll = ServiceFactory(name="Payroll", criticality="critical")
        r = self.api("POST", "/api/v1/cis", self.cast.manager,
                     {"name": "payroll-db", "ci_class": "database", "service": "Payroll"})
        self.assertStatus(r, 201)
        own = ConfigurationItem.objects.get(represents=payroll)
        self.assertEqual((own.name, own.ci_class_id, own.criticality),
                         ("Payroll", "business_service", "critical"))
        self.assertIn("Created as the item of the service Payroll",
                      JournalEntry.objects.for_record(own).first().body)
        db = ConfigurationItem.objects.get(name="payroll-db")
        self.assertEqual(self.links(db), [("payroll-db", "provides", "Payroll")])
        self.assertEqual(self.impact_services(db), ["Payroll"])

    def test_a_service_item_named_like_another_item_takes_a_suffix(self):
        item("Payroll", "application")
        ServiceFactory(name="Payroll")
        self.api("POST", "/api/v1/cis", self.cast.manager,
                 {"name": "payroll-db", "ci_class": "database", "service": "Payroll"})
        self.assertTrue(ConfigurationItem.objects.filter(name="Payroll (service)",
                                                         represents__name="Payroll").exists())

    def test_a_refused_change_relates_nothing(self):
        for user in (self.cast.agent, self.cast.requester):
            with self.subTest(user=user.username), \
                    self.assertNothingChanged(self.app, self.shop_ci):
                self.assertIn(self.patch("Web shop", user).status, (403, 404))
        self.assertEqual(self.links(), [])

    def test_a_refused_value_relates_nothing(self):
        with self.assertNothingChanged(self.app, self.shop_ci):
            r = self.api("PATCH", f"/api/v1/cis/{self.app.pk}", self.cast.manager,
                         {"service": "Web shop", "attributes": {"version": 3}})
            self.assertStatus(r, 422)
        self.assertEqual(self.links(), [])


class ServiceFieldThroughTheFormAndTheCommandLineTest(ServiceFieldCase):
    def test_the_item_form_sets_and_clears_it(self):
        self.client.force_login(self.cast.agent2)           # an owner of the item
        url = f"/cis/{self.app.pk}/edit/"
        r = self.client.get(url)
        r = self.client.post(url, form_data(r.context["form"], {"service": self.shop}))
        self.assertEqual(r.status_code, 302, r.context and r.context["form"].errors)
        self.assertEqual(self.links(), [("shop-app", "provides", "Web shop")])
        self.assertEqual(self.impact_services(), ["Web shop"])
        r = self.client.get(url)
        r = self.client.post(url, form_data(r.context["form"], {"service": None}))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.links(), [])

    def test_a_new_item_from_the_form_is_related_at_once(self):
        self.client.force_login(self.cast.manager)
        r = self.client.post("/cis/new/", {"name": "shop-db", "ci_class": "database",
                                           "status": "live", "environment": "production",
                                           "criticality": "high", "service": self.shop.pk})
        self.assertEqual(r.status_code, 302, r.context and r.context["form"].errors)
        db = ConfigurationItem.objects.get(name="shop-db")
        self.assertEqual(self.links(db), [("shop-db", "provides", "Web shop")])

    def test_the_command_line_sets_moves_and_clears_it(self):
        def update(service):
            call_command("ci", "update", "shop-app", "--service", service, "--as", "maria",
                         stdout=StringIO())

        update("Web shop")
        self.assertEqual(self.links(), [("shop-app", "provides", "Web shop")])
        update("Email")
        self.assertEqual(self.links(), [("shop-app", "provides", "Email")])
        update("")
        self.assertEqual(self.links(), [])
        self.assertTrue(all(e.origin == "cli" for e in
                            JournalEntry.objects.for_record(self.mail_ci)))


class ServiceFieldThroughAnImportTest(ServiceFieldCase):
    def run_import(self, text):
        from servista.cmdb import transfer

        report = transfer.import_text(self.cast.manager, text, "csv")
        self.assertEqual([r.outcome for r in report.rows if r.outcome == "rejected"], [])
        return report

    def test_an_imported_row_relates_its_item_and_a_later_one_moves_it(self):
        self.run_import("name,ci_class,service\nimported-app,application,Web shop\n")
        imported = ConfigurationItem.objects.get(name="imported-app")
        self.assertEqual(self.links(imported), [("imported-app", "provides", "Web shop")])
        self.assertEqual(self.impact_services(imported), ["Web shop"])
        self.run_import("name,ci_class,service\nimported-app,application,Email\n")
        self.assertEqual(self.links(imported), [("imported-app", "provides", "Email")])
        self.run_import("name,ci_class,service\nimported-app,application,Email\n")
        self.assertEqual(self.links(imported), [("imported-app", "provides", "Email")])
