"""An item's page relates it to another item (a type, a direction, the
other item by name) and removes a relationship, through ``cmdb.services``:
the type's class rules and the refusal of a self-loop show as errors on the
form and store nothing; each change is journaled on both items; only those
who may change the item do it (others get 403 and nothing changes)."""

from servista.cmdb.factories import ConfigurationItemFactory
from servista.cmdb.models import CIClass, Relationship, RelationshipType
from servista.core.models import JournalEntry
from servista.testing import ServistaTestCase


def item(name, key, **extra):
    return ConfigurationItemFactory(name=name, ci_class=CIClass.objects.get(key=key), **extra)


class RelateFromThePageTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.app = item("crm-app", "application", owner_group=self.cast.network)
        self.server = item("crm-srv", "server")
        self.url = f"/cis/{self.app.pk}/relationships/"

    def relate(self, user, **fields):
        self.client.force_login(user)
        data = {"rel-type": "runs_on", "rel-direction": "outgoing", "rel-target": "crm-srv",
                **{f"rel-{k}": v for k, v in fields.items()}}
        return self.client.post(self.url, data)

    def test_the_page_offers_the_form_to_those_who_may_change_the_item(self):
        self.client.force_login(self.cast.agent2)            # in the owner group
        r = self.client.get(self.app.get_absolute_url())
        self.assertContains(r, 'id="relationship-form"')
        self.assertContains(r, '<label class="form-label" for="id_rel-target">')
        self.assertContains(r, 'list="id_rel-target_options"')
        self.client.force_login(self.cast.agent)             # not in it
        r = self.client.get(self.app.get_absolute_url())
        self.assertNotContains(r, 'id="relationship-form"')

    def test_an_owner_relates_the_item_journaled_on_both_sides(self):
        r = self.relate(self.cast.agent2)
        self.assertEqual(r.status_code, 302, r.context and r.context["form"].errors)
        self.assertEqual(r["Location"], self.app.get_absolute_url())
        rel = Relationship.objects.get()
        self.assertEqual((rel.source, rel.type.key, rel.target), (self.app, "runs_on",
                                                                 self.server))
        for ci, words in ((self.app, "runs on crm-srv"), (self.server, "hosts crm-app")):
            entry = JournalEntry.objects.for_record(ci).get()
            self.assertIn(words, entry.body)
            self.assertEqual(entry.actor, self.cast.agent2)
        page = self.client.get(self.app.get_absolute_url())
        self.assertContains(page, f'action="/cis/{self.app.pk}/relationships/{rel.pk}/remove/"')

    def test_the_other_way_reads_from_the_other_item(self):
        db = item("crm-db", "database")
        r = self.relate(self.cast.manager, type="depends_on", direction="incoming",
                        target="crm-db")
        self.assertEqual(r.status_code, 302)
        rel = Relationship.objects.get()
        self.assertEqual((rel.source, rel.target), (db, self.app))

    def test_class_rules_a_self_loop_and_an_unknown_item_are_form_errors(self):
        cases = [({"type": "runs_on", "direction": "incoming"}, "type", "may not join"),
                 ({"target": "crm-app"}, "target", "itself"),
                 ({"target": "no-such-item"}, "target", "No configuration item"),
                 ({"target": "no-such-item", "direction": "incoming"}, "target",
                  "No configuration item")]
        for fields, field, words in cases:
            with self.subTest(fields=fields), \
                    self.assertNothingChanged(self.app, self.server):
                r = self.relate(self.cast.manager, **fields)
                self.assertEqual(r.status_code, 422)
                self.assertIn(words, " ".join(r.context["form"].errors[field]))
                self.assertRegex(r.content.decode(),
                                 rf'name="rel-{field}"[^>]*aria-describedby="[^"]*'
                                 rf'id_rel-{field}_error"')
        self.assertFalse(Relationship.objects.exists())

    def test_a_second_copy_is_refused(self):
        self.relate(self.cast.manager)
        with self.assertNothingChanged(self.app):
            r = self.relate(self.cast.manager)
        self.assertEqual(r.status_code, 422)
        self.assertIn("already", " ".join(r.context["form"].errors["target"]))

    def test_an_agent_without_the_right_and_a_requester_get_403(self):
        for user in (self.cast.agent, self.cast.requester):
            with self.subTest(user=user.username), \
                    self.assertNothingChanged(self.app, self.server):
                r = self.relate(user)
                self.assertEqual(r.status_code, 403)
        self.assertFalse(Relationship.objects.exists())


class UnrelateFromThePageTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.app = item("crm-app", "application", owner_group=self.cast.network)
        self.server = item("crm-srv", "server")
        self.rel = Relationship.objects.create(
            type=RelationshipType.objects.get(key="runs_on"), source=self.app,
            target=self.server)
        self.url = f"/cis/{self.app.pk}/relationships/{self.rel.pk}/remove/"

    def test_an_owner_removes_it_journaled_on_both_sides(self):
        self.client.force_login(self.cast.agent2)
        r = self.client.post(self.url)
        self.assertEqual(r.status_code, 302)
        self.assertFalse(Relationship.objects.exists())
        for ci in (self.app, self.server):
            self.assertIn("removed", JournalEntry.objects.for_record(ci).get().body)

    def test_an_agent_without_the_right_and_a_requester_get_403(self):
        for user in (self.cast.agent, self.cast.requester):
            with self.subTest(user=user.username), \
                    self.assertNothingChanged(self.app, self.server, self.rel):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url).status_code, 403)

    def test_only_a_post_of_one_of_the_item_s_own_relationships(self):
        other = item("other", "server")
        self.client.force_login(self.cast.manager)
        with self.assertNothingChanged(self.rel):
            self.assertEqual(self.client.get(self.url).status_code, 405)
            self.assertEqual(self.client.post(
                f"/cis/{other.pk}/relationships/{self.rel.pk}/remove/").status_code, 404)
