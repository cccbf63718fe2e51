"""What the apps register and core shows without knowing them: entries of
the navigation, link kinds (no migration for a new one), home pages."""

from servista.core import links, shell
from servista.core.permissions import is_manager
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase


class NavigationRegistryTest(ServistaTestCase):
    def tearDown(self):
        shell.registry.nav[:] = [e for e in shell.registry.nav if e.label != "Team reports"]

    def test_an_entry_shows_to_whom_its_predicate_admits(self):
        shell.nav("Team reports", "/team-reports/", visible=is_manager, weight=70,
                  shortcut="g t")
        self.client.force_login(self.cast.manager)
        r = self.client.get("/search/")
        self.assertContains(r, 'href="/team-reports/"')
        self.assertContains(r, "<kbd>t</kbd>")
        self.client.force_login(self.cast.agent)
        r = self.client.get("/search/")
        self.assertNotContains(r, 'href="/team-reports/"')
        self.assertNotContains(r, "<kbd>t</kbd>")


class LinkKindRegistryTest(ServistaTestCase):
    def test_a_registered_kind_links_records_and_an_unknown_one_is_refused(self):
        links.register_kind("blocks", "blocks", "is blocked by")
        first = IncidentFactory(caller=self.cast.requester)
        second = IncidentFactory(caller=self.cast.requester)
        url = f"/api/v1/incidents/{first.number}/links"
        r = self.api("POST", url, self.cast.agent, {"target": second.number, "kind": "blocks"})
        self.assertStatus(r, 201)
        r = self.api("GET", f"/api/v1/incidents/{second.number}/links", self.cast.agent)
        self.assertEqual(r.data[0]["label"], "is blocked by")
        with self.assertNothingChanged(first, second):
            r = self.api("POST", url, self.cast.agent, {"target": second.number,
                                                        "kind": "waits_for"})
            self.assertStatus(r, 422)
            self.assertIn("blocks", r.data["errors"]["kind"][0])

    def test_kinds_are_short_identifiers(self):
        with self.assertRaises(ValueError):
            links.register_kind("Not a kind!", "x")


class HomePageTest(ServistaTestCase):
    def test_each_role_lands_where_the_apps_say(self):
        self.client.force_login(self.cast.agent)  # nothing assigned: the dashboard
        self.assertRedirects(self.client.get("/"), "/dashboard/")
        self.client.force_login(self.cast.requester)
        self.assertRedirects(self.client.get("/"), "/portal/")
        saved = list(shell.registry.home)
        shell.registry.home.clear()
        try:
            r = self.client.get("/")
            self.assertContains(r, "Nothing is set up for your account yet")
        finally:
            shell.registry.home[:] = saved
