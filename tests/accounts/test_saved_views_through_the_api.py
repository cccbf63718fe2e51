"""Saved list views through the API (/api/v1/me/saved-views): a user saves
a view, optionally shared with one of their groups; each lists their own
and their groups' shared views of a list page; only the owner deletes one;
bad input is a 422 naming the field, with nothing stored."""

from servista.core.models import SavedView
from servista.testing import ServistaTestCase, nothing_changed

URL = "/api/v1/me/saved-views"


class SavedViewsAPITest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.kept = SavedView.objects.create(owner=self.cast.agent, path="/elsewhere/",
                                             name="Kept", query="state=new")

    def save(self, user, **data):
        body = {"path": "/incidents/", "name": "P1 of the desk",
                "query": "priority=1&assignment_group=1&sort=-number&page=4", **data}
        return self.api("POST", URL, user, body)

    def test_an_agent_saves_a_view_and_finds_it_with_its_url(self):
        r = self.save(self.cast.agent)
        self.assertStatus(r, 201)
        self.assertEqual(r.data["query"], "priority=1&assignment_group=1&sort=-number")
        self.assertEqual(r.data["url"], "/incidents/?priority=1&assignment_group=1&sort=-number")
        self.assertTrue(r.data["mine"])
        listed = self.api("GET", URL, self.cast.agent, {"path": "/incidents/"})
        self.assertStatus(listed, 200)
        self.assertEqual([v["name"] for v in listed.data], ["P1 of the desk"])
        self.assertEqual(self.api("GET", URL, self.cast.agent, {"path": "/problems/"}).data, [])

    def test_a_view_shared_with_a_group_reaches_its_members_only(self):
        r = self.save(self.cast.agent, shared_with="Service Desk")
        self.assertStatus(r, 201)
        self.assertEqual(r.data["shared_with"]["display"], "Service Desk")
        desk_member = next(u for u in self.cast.service_desk.members.all()
                           if u != self.cast.agent)
        seen = self.api("GET", URL, desk_member, {"path": "/incidents/"}).data
        self.assertEqual([(v["name"], v["mine"]) for v in seen], [("P1 of the desk", False)])
        outsider = self.api("GET", URL, self.cast.agent2, {"path": "/incidents/"}).data
        self.assertEqual(outsider, [])

    def test_only_the_owner_deletes_a_view(self):
        view_id = self.save(self.cast.agent).data["id"]
        with nothing_changed(self.kept):
            self.assertStatus(self.api("DELETE", f"{URL}/{view_id}", self.cast.agent2), 404)
        self.assertStatus(self.api("DELETE", f"{URL}/{view_id}", self.cast.agent), 204)
        self.assertFalse(SavedView.objects.filter(pk=view_id).exists())

    def test_bad_input_names_the_field_and_stores_nothing(self):
        cases = [({"name": "  "}, "name"), ({"path": "incidents"}, "path"),
                 ({"shared_with": "Network"}, "shared_with"),   # not one of the agent's groups
                 ({"shared_with": "No such team"}, "shared_with"), ({"colour": "red"}, "colour")]
        for data, field in cases:
            with self.subTest(field=field), nothing_changed(self.kept):
                r = self.save(self.cast.agent, **data)
                self.assertStatus(r, 422)
                self.assertIn(field, r.data["errors"])
        r = self.api("GET", URL, self.cast.agent, {"path": "/incidents/", "pth": "x"})
        self.assertStatus(r, 422)

    def test_signed_out_callers_are_refused(self):
        self.assertStatus(self.api("GET", URL, None, {"path": "/incidents/"}), 401)
        with nothing_changed(self.kept):
            self.assertStatus(self.save(None), 401)
