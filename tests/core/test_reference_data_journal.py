"""Every change to configuration and reference data is journaled like work
records: through the API and the admin, each creation, change and deletion
leaves one entry with its actor, origin and before/after values; a refused
change leaves nothing."""

from html.parser import HTMLParser

from django.core.exceptions import ImproperlyConfigured

from servista.accounts.choices import Role
from servista.accounts.models import Group, Organization, User
from servista.catalog.factories import ServiceFactory
from servista.catalog.models import Service
from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import ConfigurationItem
from servista.core import audit
from servista.core import services as records
from servista.core.models import JournalEntry, PriorityMatrix, Task
from servista.incidents.factories import CategoryFactory
from servista.incidents.models import Category
from servista.testing import ServistaTestCase, role_below

# --- helpers --------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The values a browser would post from the admin's main form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select = None
        self.textarea = None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self.in_form = True
        if not self.in_form or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.add(name, a.get("value") or "on")
                return
            self.add(name, a.get("value") or "")
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            self.add(self.select, a.get("value") or "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.add(name, "")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.in_form = False


class JournalTestCase(ServistaTestCase):
    def entries(self, obj) -> list[JournalEntry]:
        return list(JournalEntry.objects.for_record(obj).order_by("id"))

    def new_entries(self, since: int, model=None) -> list[JournalEntry]:
        entries = JournalEntry.objects.filter(pk__gt=since).order_by("id")
        if model is not None:
            entries = entries.filter(content_type__app_label=model._meta.app_label,
                                     content_type__model=model._meta.model_name)
        return list(entries)

    def last_id(self) -> int:
        last = JournalEntry.objects.order_by("-id").first()
        return last.pk if last else 0

    def admin_form(self, url) -> dict:
        """The admin page's form as the browser would post it back."""
        self.client.force_login(self.cast.admin)
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200, url)
        reader = _FormReader()
        reader.feed(r.content.decode())
        return {k: (v if len(v) != 1 else v[0]) for k, v in reader.data.items()}

    def admin_post(self, url, changes: dict, **extra):
        data = {**self.admin_form(url), **changes, "_save": "Save"}
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post(url, data, **extra)

    def assertEntry(self, entry, actor, origin, changes=None, body=""):  # noqa: N802
        self.assertEqual(entry.kind, "change")
        self.assertEqual(entry.actor, actor)
        self.assertEqual(entry.origin, origin)
        self.assertTrue(entry.correlation_id)
        self.assertEqual(entry.body, body)
        if changes is not None:
            self.assertEqual(entry.changes, changes)


def change(old, new, old_display, new_display) -> dict:
    return {"old": old, "new": new, "old_display": old_display, "new_display": new_display}


# --- the same tests for each kind of reference data --------------------------------------


class ReferenceJournalCases:
    class Base(JournalTestCase):
        model = None
        api_base = ""
        admin_base = ""
        change_role = Role.ADMIN
        create_role = Role.ADMIN
        api_change: dict = {}
        # A change the API refuses with 422, past the schema (model validation).
        invalid_change: dict = {}
        create_data: dict = {}
        admin_change: dict = {}
        admin_add: dict = {}
        # A field whose last value the deletion entry shows.
        name_field = "name"

        def make_object(self):
            raise NotImplementedError

        def expected_api_changes(self, obj) -> dict:
            raise NotImplementedError

        def expected_admin_changes(self, obj) -> dict:
            raise NotImplementedError

        def url(self, obj=None):
            return self.api_base if obj is None else f"{self.api_base}/{obj.pk}"

        def admin_url(self, obj, action="change"):
            return f"{self.admin_base}{obj.pk}/{action}/"

        # --- API

        def test_api_change_leaves_one_entry(self):
            obj = self.make_object()
            expected = self.expected_api_changes(obj)
            user = self.cast.by_role[self.change_role]
            since = self.last_id()
            r = self.api("PATCH", self.url(obj), user, self.api_change,
                         headers={"X-Request-ID": "ref-change-1"})
            self.assertStatus(r, 200)
            entries = self.entries(obj)
            self.assertEqual(len(entries), 1, entries)
            self.assertEntry(entries[0], user, "api", expected)
            self.assertEqual(entries[0].correlation_id, "ref-change-1")
            self.assertEqual([e.pk for e in self.new_entries(since, self.model)],
                             [entries[0].pk])

        def test_api_change_shown_in_the_record_schema(self):
            from servista.core.schemas import JournalEntryOut

            obj = self.make_object()
            self.api("PATCH", self.url(obj), self.cast.by_role[self.change_role],
                     self.api_change)
            entry = self.entries(obj)[0]
            out = JournalEntryOut.model_validate(entry, from_attributes=True)
            self.assertEqual(set(out.changes), set(entry.changes))

        def test_api_change_of_nothing_leaves_no_entry(self):
            obj = self.make_object()
            current = {name: getattr(obj, name) for name in self.api_change}
            current = {k: (v.pk if hasattr(v, "pk") else v) for k, v in current.items()}
            with self.assertNothingChanged(obj):
                r = self.api("PATCH", self.url(obj), self.cast.by_role[self.change_role],
                             current)
            self.assertStatus(r, 200)

        def test_api_refused_change_leaves_nothing(self):
            obj = self.make_object()
            lower = self.cast.by_role[role_below(self.change_role)]
            with self.assertNothingChanged(obj):
                r = self.api("PATCH", self.url(obj), lower, self.api_change)
            self.assertIn(r.status, (403, 404), r)
            with self.assertNothingChanged(obj):
                r = self.api("PATCH", self.url(obj), self.cast.by_role[self.change_role],
                             self.invalid_change)
            self.assertStatus(r, 422)

        def test_api_create_is_journaled(self):
            user = self.cast.by_role[self.create_role]
            r = self.api("POST", self.url(), user, self.create_data)
            self.assertStatus(r, 201)
            obj = self.model._default_manager.get(pk=r.data["id"])
            entries = self.entries(obj)
            self.assertEqual(len(entries), 1)
            self.assertEntry(entries[0], user, "api", body="Created")
            value = getattr(obj, self.name_field)
            self.assertEqual(entries[0].changes[self.name_field],
                             change(None, value, "", str(value)))
            for field, entry in entries[0].changes.items():
                self.assertTrue(entry["new"] not in (None, "", [], False), field)

        def test_api_refused_create_leaves_nothing(self):
            lower = self.cast.by_role[role_below(self.create_role)]
            before = (self.model._default_manager.count(), JournalEntry.objects.count())
            r = self.api("POST", self.url(), lower, self.create_data)
            self.assertStatus(r, 403)
            self.assertEqual((self.model._default_manager.count(),
                              JournalEntry.objects.count()), before)

        # --- admin

        def test_admin_change_leaves_one_entry(self):
            obj = self.make_object()
            expected = self.expected_admin_changes(obj)
            since = self.last_id()
            r = self.admin_post(self.admin_url(obj), self.admin_change)
            self.assertEqual(r.status_code, 302, r.context and r.context["adminform"].errors)
            entries = self.entries(obj)
            self.assertEqual(len(entries), 1, entries)
            self.assertEntry(entries[0], self.cast.admin, "web", expected)
            self.assertEqual([e.pk for e in self.new_entries(since, self.model)],
                             [entries[0].pk])

        def test_admin_save_without_change_leaves_no_entry(self):
            obj = self.make_object()
            form = self.admin_form(self.admin_url(obj))
            with self.assertNothingChanged(obj):
                r = self.client.post(self.admin_url(obj), {**form, "_save": "Save"})
            self.assertEqual(r.status_code, 302)

        def test_admin_refused_change_leaves_nothing(self):
            obj = self.make_object()
            form = self.admin_form(self.admin_url(obj))
            with self.assertNothingChanged(obj):
                data = {**form, **self.admin_change, self.name_field: "", "_save": "Save"}
                r = self.client.post(self.admin_url(obj),
                                     {k: v for k, v in data.items() if v is not None})
            self.assertEqual(r.status_code, 200)  # the form again, with its errors
            self.assertTrue(r.context["adminform"].form.errors)
            self.client.force_login(self.cast.agent)  # not staff: the admin is closed
            with self.assertNothingChanged(obj):
                r = self.client.post(self.admin_url(obj), {
                    k: v for k, v in {**form, **self.admin_change}.items() if v is not None})
            self.assertEqual(r.status_code, 302)
            self.assertIn("/login/", r["Location"])

        def test_admin_add_and_delete_are_journaled(self):
            add_url = f"{self.admin_base}add/"
            r = self.admin_post(add_url, self.admin_add)
            self.assertEqual(r.status_code, 302, r.context and r.context["adminform"].errors)
            obj = self.model._default_manager.latest("pk")
            value = getattr(obj, self.name_field)
            self.assertEqual(value, self.admin_add[self.name_field])
            [created] = self.entries(obj)
            self.assertEntry(created, self.cast.admin, "web", body="Created")
            self.assertEqual(created.changes[self.name_field], change(None, value, "", value))

            pk = obj.pk
            r = self.client.post(self.admin_url(obj, "delete"), {"post": "yes"})
            self.assertEqual(r.status_code, 302)
            self.assertFalse(self.model._default_manager.filter(pk=pk).exists())
            entries = list(JournalEntry.objects.filter(
                content_type__model=self.model._meta.model_name, object_id=pk).order_by("id"))
            self.assertEqual([e.body for e in entries], ["Created", "Deleted"])
            deleted = entries[1]
            self.assertEntry(deleted, self.cast.admin, "web", body="Deleted")
            self.assertEqual(deleted.changes[self.name_field], change(value, None, value, ""))
            self.assertEqual(set(deleted.changes), set(created.changes))

        def test_admin_bulk_delete_is_journaled(self):
            objs = [self.make_object(), self.make_object()]
            self.client.force_login(self.cast.admin)
            r = self.client.post(self.admin_base, {
                "action": "delete_selected", "post": "yes",
                "_selected_action": [o.pk for o in objs]})
            self.assertEqual(r.status_code, 302)
            for obj in objs:
                self.assertFalse(self.model._default_manager.filter(pk=obj.pk).exists())
                [entry] = JournalEntry.objects.filter(
                    content_type__model=self.model._meta.model_name, object_id=obj.pk)
                self.assertEntry(entry, self.cast.admin, "web", body="Deleted")
                value = getattr(obj, self.name_field)
                self.assertEqual(entry.changes[self.name_field],
                                 change(value, None, value, ""))


class ServiceJournalTest(ReferenceJournalCases.Base):
    model = Service
    api_base = "/api/v1/services"
    admin_base = "/admin/catalog/service/"
    change_role = Role.MANAGER
    api_change = {"status": "retired", "owner_group": "Network"}
    invalid_change = {"name": "Email"}   # taken
    create_data = {"name": "Payroll", "criticality": "high", "owner_group": "Network"}
    admin_change = {"criticality": "critical", "description": "Company mail"}
    admin_add = {"name": "Wiki", "status": "pipeline", "criticality": "low"}

    def make_object(self):
        ServiceFactory(name="Email") if not Service.objects.filter(name="Email").exists() \
            else None
        return ServiceFactory(owner_group=self.cast.service_desk)

    def expected_api_changes(self, obj):
        return {
            "status": change("live", "retired", "Catalogue (live)", "Retired"),
            "owner_group": change(self.cast.service_desk.pk, self.cast.network.pk,
                                  "Service Desk", "Network"),
        }

    def expected_admin_changes(self, obj):
        return {
            "criticality": change("medium", "critical", "Medium", "Critical"),
            "description": change("", "Company mail", "", "Company mail"),
        }


class CIJournalTest(ReferenceJournalCases.Base):
    model = ConfigurationItem
    api_base = "/api/v1/cis"
    admin_base = "/admin/cmdb/configurationitem/"
    change_role = Role.MANAGER
    create_role = Role.MANAGER
    api_change = {"status": "under_maintenance"}
    invalid_change = {"name": "x" * 201}
    create_data = {"name": "db-01", "ci_class": "database", "owner_group": "Network"}
    admin_change = {"status": "retired"}
    admin_add = {"name": "fw-01", "ci_class": "network_device", "status": "live",
                 "criticality": "high"}

    def make_object(self):
        return ConfigurationItemFactory(service=ServiceFactory(name="Core network")
                                        if not Service.objects.exists()
                                        else Service.objects.first())

    def expected_api_changes(self, obj):
        return {"status": change("live", "under_maintenance", "Live", "Under maintenance")}

    def expected_admin_changes(self, obj):
        return {"status": change("live", "retired", "Live", "Retired")}

    def test_service_link_shows_the_service_name(self):
        ci = self.make_object()
        other = ServiceFactory(name="Telephony")
        r = self.api("PATCH", self.url(ci), self.cast.manager, {"service": "Telephony"})
        self.assertStatus(r, 200)
        # The field's change, and the relationship to the service's item that
        # it moves (cmdb.services.sync_service_relationship).
        entry, moved = [e for e in self.entries(ci) if "service" in e.changes
                        or "relationships" in e.changes]
        self.assertIn("relationships", moved.changes)
        self.assertEqual(entry.changes["service"],
                         change(ci.service_id, other.pk, str(ci.service), "Telephony"))


class OrganizationJournalTest(ReferenceJournalCases.Base):
    model = Organization
    api_base = "/api/v1/organizations"
    admin_base = "/admin/accounts/organization/"
    api_change = {"active": False, "description": "Former customer"}
    invalid_change = {"name": "Globex"}   # taken
    create_data = {"name": "Initech", "description": "New customer"}
    admin_change = {"name": "Acme Corporation"}
    admin_add = {"name": "Umbrella"}

    def make_object(self):
        return self.cast.org_a

    def expected_api_changes(self, obj):
        return {"description": change("", "Former customer", "", "Former customer"),
                "active": change(True, False, "yes", "no")}

    def expected_admin_changes(self, obj):
        return {"name": change("Acme Corp", "Acme Corporation", "Acme Corp",
                               "Acme Corporation")}

    def test_admin_add_and_delete_are_journaled(self):
        super().test_admin_add_and_delete_are_journaled()

    def test_admin_bulk_delete_is_journaled(self):
        # The cast's organizations have people (protected): bulk-delete fresh ones.
        self.make_object = lambda: Organization.objects.create(
            name=f"Org {Organization.objects.count()}")
        super().test_admin_bulk_delete_is_journaled()


class CategoryJournalTest(ReferenceJournalCases.Base):
    model = Category
    api_base = "/api/v1/incident-categories"
    admin_base = "/admin/incidents/category/"
    api_change = {"default_group": "Network", "active": False}
    invalid_change = {"name": "Hardware"}   # taken at the top level
    create_data = {"name": "Software", "default_group": "Service Desk"}
    admin_change = {"name": "Network & telephony"}
    admin_add = {"name": "Facilities", "active": "on"}

    def make_object(self):
        if not Category.objects.filter(name="Hardware", parent=None).exists():
            CategoryFactory(name="Hardware")
        return CategoryFactory(name=f"Network {Category.objects.count()}")

    def expected_api_changes(self, obj):
        return {"default_group": change(None, self.cast.network.pk, "", "Network"),
                "active": change(True, False, "yes", "no")}

    def expected_admin_changes(self, obj):
        return {"name": change(obj.name, "Network & telephony", obj.name,
                               "Network & telephony")}


class GroupJournalTest(ReferenceJournalCases.Base):
    model = Group
    api_base = "/api/v1/groups"
    admin_base = "/admin/accounts/group/"
    change_role = Role.MANAGER
    api_change = {"email": "net@example.com", "members": ["nick", "alice"]}
    invalid_change = {"members": ["alice", "rita"]}   # rita is a requester
    create_data = {"name": "Databases", "manager": "maria", "members": ["alice"]}
    admin_add = {"name": "Security", "members": None}

    def make_object(self):
        return self.cast.network

    @property
    def admin_change(self):
        return {"description": "LAN and Wi-Fi", "members": [self.cast.agent.pk]}

    def expected_api_changes(self, obj):
        return {
            "email": change("", "net@example.com", "", "net@example.com"),
            "members": change([self.cast.agent2.pk],
                              [self.cast.agent.pk, self.cast.agent2.pk], "Nick", "Alice, Nick"),
        }

    def expected_admin_changes(self, obj):
        # The form's many-to-many edit is in the same entry as its field edit.
        return {
            "description": change("", "LAN and Wi-Fi", "", "LAN and Wi-Fi"),
            "members": change([self.cast.agent2.pk], [self.cast.agent.pk], "Nick", "Alice"),
        }

    def test_admin_bulk_delete_is_journaled(self):
        self.make_object = lambda: Group.objects.create(name=f"Team {Group.objects.count()}")
        super().test_admin_bulk_delete_is_journaled()

    def test_api_change_of_nothing_leaves_no_entry(self):
        obj = self.make_object()
        with self.assertNothingChanged(obj):
            r = self.api("PATCH", self.url(obj), self.cast.manager,
                         {"email": "", "members": ["nick"]})
        self.assertStatus(r, 200)


class UserJournalTest(ReferenceJournalCases.Base):
    model = User
    api_base = "/api/v1/users"
    admin_base = "/admin/accounts/user/"
    api_change = {"role": "manager", "organization": None}
    invalid_change = {"email": "not an address"}
    create_data = {"username": "newbie", "role": "agent", "password": "A-long-passphrase-42"}
    admin_add = {"username": "walter", "password1": "A-long-passphrase-42",
                 "password2": "A-long-passphrase-42", "usable_password": "true"}
    name_field = "username"

    def make_object(self):
        return User.objects.create_user(username=f"user{User.objects.count()}",
                                        password="Secret-pass-1", role=Role.AGENT,
                                        organization=self.cast.org_b)

    @property
    def admin_change(self):
        return {"role": "manager", "organization": str(self.cast.org_a.pk), "is_active": None}

    def expected_api_changes(self, obj):
        return {"role": change("agent", "manager", "Agent", "Manager"),
                "organization": change(self.cast.org_b.pk, None, "Globex", "")}

    def expected_admin_changes(self, obj):
        return {"role": change("agent", "manager", "Agent", "Manager"),
                "organization": change(self.cast.org_b.pk, self.cast.org_a.pk, "Globex",
                                       "Acme Corp"),
                "is_active": change(True, False, "yes", "no")}

    def tearDown(self):
        # Whatever the test did, no journal entry holds a password or its hash.
        for entry in JournalEntry.objects.all():
            self.assertNotIn("password", entry.changes)
            self.assertNotIn("last_login", entry.changes)
        hashes = [h for h in User.objects.values_list("password", flat=True) if h]
        blob = str(list(JournalEntry.objects.values_list("body", "changes")))
        for digest in hashes:
            self.assertNotIn(digest, blob)
        self.assertNotIn("passphrase", blob)
        super().tearDown()

    def test_password_change_in_the_admin_is_not_journaled(self):
        user = self.make_object()
        self.client.force_login(self.cast.admin)
        r = self.client.post(f"{self.admin_base}{user.pk}/password/", {
            "password1": "Another-passphrase-7", "password2": "Another-passphrase-7",
            "usable_password": "true"})
        self.assertEqual(r.status_code, 302)
        user.refresh_from_db()
        self.assertTrue(user.check_password("Another-passphrase-7"))
        self.assertEqual(self.entries(user), [])


class PriorityMatrixJournalTest(JournalTestCase):
    """The matrix is edited in the admin only: in its change list and form."""

    def test_list_edit_leaves_one_entry_per_changed_cell(self):
        cell = PriorityMatrix.objects.get(impact=2, urgency=2)
        other = PriorityMatrix.objects.get(impact=1, urgency=1)
        old = cell.priority
        self.client.force_login(self.cast.admin)
        since = self.last_id()
        r = self.client.post("/admin/core/prioritymatrix/", {
            "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2",
            "form-0-id": cell.pk, "form-0-priority": 5,
            "form-1-id": other.pk, "form-1-priority": other.priority,
            "_save": "Save"}, headers={"X-Request-ID": "matrix-1"})
        self.assertEqual(r.status_code, 302)
        cell.refresh_from_db()
        self.assertEqual(cell.priority, 5)
        [entry] = self.new_entries(since)
        self.assertEqual(entry.record, cell)
        self.assertEntry(entry, self.cast.admin, "web", {
            "priority": change(old, 5, PriorityMatrix._meta.get_field("priority")
                               .flatchoices[old - 1][1], "5 - Planning")})
        self.assertEqual(entry.correlation_id, "matrix-1")

    def test_refused_list_edit_leaves_nothing(self):
        cell = PriorityMatrix.objects.get(impact=2, urgency=2)
        data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1",
                "form-0-id": cell.pk, "form-0-priority": 9, "_save": "Save"}
        self.client.force_login(self.cast.admin)
        with self.assertNothingChanged(cell):
            r = self.client.post("/admin/core/prioritymatrix/", data)
        self.assertEqual(r.status_code, 200)   # the list again, with the error
        self.client.force_login(self.cast.manager)   # not staff
        with self.assertNothingChanged(cell):
            r = self.client.post("/admin/core/prioritymatrix/", {**data, "form-0-priority": 1})
        self.assertEqual(r.status_code, 302)

    def test_form_edit_is_journaled(self):
        cell = PriorityMatrix.objects.get(impact=3, urgency=3)
        old = cell.priority
        r = self.admin_post(f"/admin/core/prioritymatrix/{cell.pk}/change/", {"priority": 4})
        self.assertEqual(r.status_code, 302)
        [entry] = self.entries(cell)
        self.assertEntry(entry, self.cast.admin, "web")
        self.assertEqual(entry.changes["priority"]["old"], old)
        self.assertEqual(entry.changes["priority"]["new"], 4)


class RegistryTest(JournalTestCase):
    def test_names_must_exist(self):
        with self.assertRaises(ImproperlyConfigured):
            audit.register(Service, exclude=("no_such_field",))
        with self.assertRaises(ImproperlyConfigured):
            audit.register(Service, related=("owner_group",))   # not a reverse m2m
        self.assertEqual(audit.registration(Service).exclude, frozenset())

    def test_an_unregistered_model_is_not_changed_unjournaled(self):
        self.assertFalse(audit.is_registered(Task))
        with self.assertRaises(ImproperlyConfigured):
            records.update_object(Task.objects.create(name="x"), self.cast.admin, {})

    def test_exclusions_are_declared(self):
        self.assertEqual(audit.registration(User).exclude, {"password", "last_login"})
        self.assertNotIn("password", audit.snapshot(self.cast.agent))
        self.assertIn("support_groups", audit.snapshot(self.cast.agent))


class DeletionCascadeJournalTest(JournalTestCase):
    """A deletion is journaled with what it takes along: the registered
    objects it cascades to, and the references it clears."""

    def test_category_deleted_with_its_subcategories(self):
        hardware = CategoryFactory(name="Hardware")
        laptop = CategoryFactory(name="Laptop", parent=hardware)
        ids = (hardware.pk, laptop.pk)
        self.client.force_login(self.cast.admin)
        r = self.client.post(f"/admin/incidents/category/{hardware.pk}/delete/", {"post": "yes"})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(Category.objects.filter(pk__in=ids).exists())
        entries = {e.object_id: e for e in JournalEntry.objects.filter(
            content_type__model="category", object_id__in=ids)}
        self.assertEqual(set(entries), set(ids))
        for entry in entries.values():
            self.assertEntry(entry, self.cast.admin, "web", body="Deleted")
        self.assertEqual(entries[laptop.pk].changes["parent"],
                         change(hardware.pk, None, "Hardware", ""))

    def test_group_deleted_clears_references_to_it(self):
        network = self.cast.network
        service = ServiceFactory(name="VPN", owner_group=network)
        category = CategoryFactory(name="Network", default_group=network)
        self.client.force_login(self.cast.admin)
        r = self.client.post(f"/admin/accounts/group/{network.pk}/delete/", {"post": "yes"})
        self.assertEqual(r.status_code, 302)
        service.refresh_from_db()
        self.assertIsNone(service.owner_group)
        [entry] = self.entries(service)
        self.assertEntry(entry, self.cast.admin, "web", {
            "owner_group": change(network.pk, None, "Network", "")})
        [entry] = self.entries(category)
        self.assertEqual(entry.changes, {
            "default_group": change(network.pk, None, "Network", "")})

    def test_bulk_deletion_of_groups_sharing_a_member(self):
        nick = self.cast.agent2
        a = Group.objects.create(name="A-team")
        a.members.add(nick)
        self.client.force_login(self.cast.admin)
        r = self.client.post("/admin/accounts/group/", {
            "action": "delete_selected", "post": "yes",
            "_selected_action": [a.pk, self.cast.network.pk]})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(list(nick.support_groups.all()), [])
        # One step at a time, as the person lost each group.
        self.assertEqual([e.changes["support_groups"]["old_display"]
                          for e in self.entries(nick)], ["A-team, Network", "Network"])
        self.assertEqual([e.changes["support_groups"]["new_display"]
                          for e in self.entries(nick)], ["Network", ""])

    def test_refused_deletion_leaves_nothing(self):
        # An organization with people is protected: the admin refuses.
        org = self.cast.org_a
        self.client.force_login(self.cast.admin)
        with self.assertNothingChanged(org, self.cast.requester):
            r = self.client.post(f"/admin/accounts/organization/{org.pk}/delete/",
                                 {"post": "yes"})
        self.assertEqual(r.status_code, 200)   # "Cannot delete", with what protects it
