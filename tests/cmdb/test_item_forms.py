"""Configuration items are created and edited in the web UI: the CMDB
minimum fields and the class's typed attributes (inherited ones included)
as inputs of their type, re-drawn when the class changes; every save goes
through ``cmdb.services`` (a wrong type or an unknown choice is an error on
its input and nothing is stored), is journaled, refused to those the
policy does not let change items, and to a form drawn before someone
else's change."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from servista.accounts.choices import Role
from servista.cmdb import services
from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import CIClass, ConfigurationItem, Relationship, RelationshipType
from servista.core import shell
from servista.core.models import JournalEntry
from servista.testing import ServistaTestCase, ViewTestCases, form_data


def item(name, key="server", **extra):
    return ConfigurationItemFactory(name=name, ci_class=CIClass.objects.get(key=key), **extra)


class ItemPagesTest(ViewTestCases.DetailViewTest, ViewTestCases.CreateViewTest,
                    ViewTestCases.EditViewTest):
    """The standard page tests: a manager creates and edits, an agent who
    does not own the item may not."""

    model = ConfigurationItem
    create_url = "/cis/new/"
    create_role = Role.MANAGER
    edit_role = Role.MANAGER
    form_data = {"name": "web-01", "ci_class": "server", "status": "live",
                 "environment": "production", "criticality": "high",
                 "attr__cpu_count": "8", "attr__operating_system": "linux"}
    invalid_form_data = ({"attr__cpu_count": "eight"}, "attr__cpu_count")
    edit_data = {"short_name": "db", "status": "under_maintenance"}

    def make_object(self):
        return item("db-01", attributes={"cpu_count": 4})

    def edit_url(self, obj):
        return f"/cis/{obj.pk}/edit/"


class ItemFormTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.rack = item("Rack A", "location")
        self.client.force_login(self.cast.manager)

    def post_new(self, **fields):
        data = {"name": "vm-7", "ci_class": "virtual_machine", "status": "live",
                "environment": "production", "criticality": "medium", **fields}
        return self.client.post("/cis/new/", data)

    def test_the_form_shows_the_class_attributes_as_inputs_of_their_type(self):
        r = self.client.get("/cis/new/?ci_class=virtual_machine")
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        # Inherited from hardware and server, and the class's own.
        for name, markup in [("attr__serial_number", 'type="text"'),
                             ("attr__cpu_count", 'type="number"'),
                             ("attr__memory_gb", 'type="number"'),
                             ("attr__purchase_date", 'type="date"'),
                             ("attr__hypervisor", 'type="text"')]:
            self.assertRegex(html, rf'<input [^>]*{markup}[^>]*name="{name}"'
                                   rf'|<input [^>]*name="{name}"[^>]*{markup}')
            self.assertIn(f'<label class="form-label" for="id_{name}">', html)
        self.assertIn('<select name="attr__operating_system"', html)
        self.assertIn('<option value="windows">', html)
        self.assertIn('list="id_attr__location_options"', html)     # the item picker
        self.assertIn('<datalist id="id_attr__location_options">', html)
        self.assertIn("(from Server)", html)
        printer = self.client.get("/cis/new/?ci_class=printer").content.decode()
        self.assertIn('type="checkbox" name="attr__colour"', printer)
        self.assertIn('<label class="form-check-label" for="id_attr__colour">', printer)

    def test_choosing_another_class_redraws_its_attributes(self):
        r = self.client.get("/cis/new/")
        self.assertContains(r, 'hx-get="/cis/attribute-fields/"')
        r = self.client.get("/cis/attribute-fields/",
                            {"ci_class": "database", "attr__version": "19",
                             "attr__cpu_count": "4"}, HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'name="attr__engine"')
        self.assertContains(r, 'value="19"')                    # a value kept
        self.assertNotContains(r, "attr__cpu_count")             # not a database's
        self.assertNotContains(r, "<html")

    def test_a_manager_creates_an_item_with_typed_attributes_journaled(self):
        r = self.post_new(attr__cpu_count="4", attr__memory_gb="15.5",
                          attr__purchase_date="2026-03-01", attr__operating_system="linux",
                          attr__location="Rack A", attr__hypervisor="vmhost-9",
                          short_name="vm7", owner=self.cast.agent.username,
                          owner_group=self.cast.network.pk)
        self.assertEqual(r.status_code, 302, r.context and r.context["form"].errors)
        ci = ConfigurationItem.objects.get(name="vm-7")
        self.assertEqual(r["Location"], f"/cis/{ci.pk}/")
        self.assertEqual(ci.attributes, {"cpu_count": 4, "memory_gb": 15.5,
                                         "purchase_date": "2026-03-01",
                                         "operating_system": "linux",
                                         "location": self.rack.pk, "hypervisor": "vmhost-9"})
        self.assertEqual((ci.owner, ci.owner_group, ci.short_name),
                         (self.cast.agent, self.cast.network, "vm7"))
        entry = JournalEntry.objects.for_record(ci).get()
        self.assertEqual(entry.actor, self.cast.manager)
        self.assertIn("attributes", entry.changes)

    def test_a_wrong_type_or_unknown_choice_is_an_error_on_its_input(self):
        cases = [({"attr__cpu_count": "4.5"}, "attr__cpu_count", "whole number"),
                 ({"attr__memory_gb": "lots"}, "attr__memory_gb", "number"),
                 ({"attr__purchase_date": "01/03/2026"}, "attr__purchase_date", "date"),
                 ({"attr__operating_system": "solaris"}, "attr__operating_system",
                  "Must be one of"),
                 ({"attr__location": "Nowhere"}, "attr__location", "No configuration item"),
                 ({"attr__location": "db-9"}, "attr__location", "is not a Location")]
        item("db-9", "database")
        for data, field, words in cases:
            with self.subTest(field=field), self.assertNothingChanged(self.rack):
                r = self.post_new(**data)
                self.assertEqual(r.status_code, 422)
                self.assertIn(words, " ".join(r.context["form"].errors[field]))
                # The message is tied to its input for assistive technology.
                self.assertRegex(r.content.decode(),
                                 rf'name="{field}"[^>]*aria-describedby="[^"]*id_{field}_error"')
                self.assertContains(r, f'id="id_{field}_error"', status_code=422)
        self.assertFalse(ConfigurationItem.objects.filter(name="vm-7").exists())

    def test_a_missing_name_or_class_is_refused(self):
        r = self.post_new(name="", ci_class="")
        self.assertEqual(r.status_code, 422)
        self.assertIn("name", r.context["form"].errors)
        self.assertIn("ci_class", r.context["form"].errors)

    def test_an_htmx_submission_answers_with_the_form_alone(self):
        r = self.client.post("/cis/new/", {"name": "", "ci_class": "server"},
                             HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, 'id="ci-form"', status_code=422)
        self.assertNotContains(r, "<html", status_code=422)
        ok = self.client.post("/cis/new/", {"name": "srv-x", "ci_class": "server",
                                             "status": "live", "environment": "test",
                                             "criticality": "low"}, HTTP_HX_REQUEST="true")
        self.assertEqual(ok.status_code, 204)
        self.assertEqual(ok["HX-Redirect"],
                         ConfigurationItem.objects.get(name="srv-x").get_absolute_url())

    def test_the_new_menu_offers_it_to_managers_only(self):
        entries = {e.label for e in shell.new_entries(self.cast.manager)}
        self.assertIn("New configuration item", entries)
        self.assertNotIn("New configuration item",
                         {e.label for e in shell.new_entries(self.cast.agent)})
        r = self.client.get("/cis/")
        self.assertContains(r, 'href="/cis/new/"')


class ItemEditTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.ci = item("app-01", "application", owner_group=self.cast.network,
                       attributes={"version": "1.0"})

    def edit(self, user, **changes):
        self.client.force_login(user)
        r = self.client.get(f"/cis/{self.ci.pk}/edit/")
        self.assertEqual(r.status_code, 200)
        return r, form_data(r.context["form"], changes)

    def test_an_owner_edits_the_item_and_its_attributes(self):
        # agent2 is in the item's owner group (Network).
        r, data = self.edit(self.cast.agent2, attr__version="2.0", attr__vendor="Contoso",
                            description="Order entry")
        r = self.client.post(f"/cis/{self.ci.pk}/edit/", data)
        self.assertEqual(r.status_code, 302, r.context and r.context["form"].errors)
        self.ci.refresh_from_db()
        self.assertEqual(self.ci.attributes, {"version": "2.0", "vendor": "Contoso"})
        self.assertEqual(self.ci.description, "Order entry")
        entry = JournalEntry.objects.for_record(self.ci).latest("pk")
        self.assertEqual(entry.actor, self.cast.agent2)
        self.assertEqual(entry.changes["attributes"]["old"], {"version": "1.0"})

    def test_the_form_starts_from_the_stored_values(self):
        rack = item("Rack B", "location")
        server = item("srv-9", "server", attributes={"location": rack.pk, "cpu_count": 2})
        self.client.force_login(self.cast.manager)
        r = self.client.get(f"/cis/{server.pk}/edit/")
        form = r.context["form"]
        self.assertEqual(form["attr__location"].value(), "Rack B")   # by name
        self.assertEqual(form["attr__cpu_count"].value(), 2)
        self.assertEqual(form["ci_class"].value(), "server")

    def test_an_agent_who_does_not_own_it_and_a_requester_get_403(self):
        for user in (self.cast.agent, self.cast.requester):
            with self.subTest(user=user.username), self.assertNothingChanged(self.ci):
                self.client.force_login(user)
                r = self.client.post(f"/cis/{self.ci.pk}/edit/",
                                     {"name": "hacked", "ci_class": "application",
                                      "status": "live", "environment": "production",
                                      "criticality": "low"})
                self.assertEqual(r.status_code, 403)
                self.assertEqual(self.client.get(f"/cis/{self.ci.pk}/edit/").status_code,
                                 403)
        self.client.force_login(self.cast.agent)
        self.assertNotContains(self.client.get(self.ci.get_absolute_url()), "ci-edit")
        self.client.force_login(self.cast.agent2)
        self.assertContains(self.client.get(self.ci.get_absolute_url()), 'id="ci-edit"')

    def test_a_change_made_meanwhile_refuses_the_save(self):
        r, data = self.edit(self.cast.manager, description="Mine")
        services.update_ci(self.ci, self.cast.agent2, {"description": "Theirs"})
        with self.assertNothingChanged(self.ci):
            r = self.client.post(f"/cis/{self.ci.pk}/edit/", data)
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, "changed by someone else", status_code=422)
        self.ci.refresh_from_db()
        self.assertEqual(self.ci.description, "Theirs")

    def test_changing_the_class_checks_the_attributes_against_the_new_one(self):
        r, data = self.edit(self.cast.manager, ci_class="database")
        data["attr__engine"] = "cobol"       # the database's input, drawn by the class change
        with self.assertNothingChanged(self.ci):
            r = self.client.post(f"/cis/{self.ci.pk}/edit/", data)
        self.assertEqual(r.status_code, 422)
        self.assertIn("attr__engine", r.context["form"].errors)


class ItemPageQueriesTest(ServistaTestCase):
    def test_the_item_page_queries_do_not_grow_with_its_relationships(self):
        ci = item("hub", "server", owner_group=self.cast.network)
        runs_on = RelationshipType.objects.get(key="runs_on")
        self.client.force_login(self.cast.manager)

        def count():
            for _ in range(2):
                with CaptureQueriesContext(connection) as ctx:
                    self.assertEqual(self.client.get(ci.get_absolute_url()).status_code, 200)
            return len(ctx.captured_queries)

        Relationship.objects.create(type=runs_on, source=item("app-a", "application"),
                                    target=ci)
        few = count()
        for n in range(5):
            Relationship.objects.create(type=runs_on, source=item(f"app-{n}", "application"),
                                        target=ci)
        self.assertEqual(count(), few)


class ItemPickerTest(ServistaTestCase):
    """The item pickers suggest items by name as one types, of the class
    the attribute names (and below), to the staff only."""

    def test_suggestions_by_name_and_class(self):
        item("Rack A", "location")
        item("Rack room", "location")
        item("rack-srv", "server")
        self.client.force_login(self.cast.agent)
        r = self.client.get("/cis/options/", {"field": "attr__location", "ci_class": "location",
                                              "attr__location": "rack"})
        self.assertEqual(r.content.decode(), '<option value="Rack A">Location</option>'
                                             '<option value="Rack room">Location</option>')
        r = self.client.get("/cis/options/", {"q": "rack"})
        self.assertContains(r, 'value="rack-srv"')
        self.assertEqual(self.client.get("/cis/options/", {"q": "r"}).content, b"")
        self.client.force_login(self.cast.requester)
        self.assertEqual(self.client.get("/cis/options/", {"q": "rack"}).content, b"")
