"""The staff workspace pages of incidents: the list, detail, create and edit
pages (the standard page tests), the queues and filters, bulk take and state
changes, the incident page's actions, comments, optimistic locking of edits,
and what every page shows besides its data (the keyboard-shortcut help, the
times of the activity)."""

import re

from servista.incidents import services
from servista.incidents.factories import IncidentFactory, incidents_with_every_relation
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase, ViewTestCases


class IncidentViewTest(ViewTestCases.ListViewTest, ViewTestCases.DetailViewTest,
                       ViewTestCases.CreateViewTest, ViewTestCases.EditViewTest):
    model = Incident
    list_url = "/incidents/"
    create_url = "/incidents/new/"
    hidden_from = "requester_b"
    form_data = {"caller": "rita", "short_description": "Laptop will not boot",
                 "impact": 2, "urgency": 1, "channel": "phone"}
    invalid_form_data = ({"caller": "nobody-by-that-name"}, "caller")
    edit_data = {"short_description": "Laptop will not boot after update"}

    def make_object(self):
        return IncidentFactory(caller=self.cast.requester)

    def make_filled_objects(self):
        return incidents_with_every_relation(caller=self.cast.requester, agent=self.cast.agent,
                                             manager=self.cast.manager)

    def edit_url(self, obj):
        return f"/incidents/{obj.number}/edit/"


class WorkspaceTest(ServistaTestCase):
    def test_queues(self):
        mine = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                               assignment_group=self.cast.service_desk,
                               assigned_to=self.cast.agent)
        unassigned = IncidentFactory(caller=self.cast.requester)  # routed to the service desk
        network = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                  assignment_group=self.cast.network)
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/queue/mine/")
        self.assertContains(r, mine.number)
        self.assertNotContains(r, unassigned.number)
        r = self.client.get("/incidents/queue/groups/")
        self.assertContains(r, unassigned.number)
        self.assertNotContains(r, mine.number)
        self.assertNotContains(r, network.number)
        r = self.client.get("/incidents/queue/open/")
        for inc in (mine, unassigned, network):
            self.assertContains(r, inc.number)
        with self.assertNothingChanged(mine, unassigned, network):
            self.assertEqual(self.client.get("/incidents/queue/bogus/").status_code, 404)

    def test_requester_is_sent_to_the_portal(self):
        self.client.force_login(self.cast.requester)
        r = self.client.get("/incidents/queue/mine/")
        self.assertRedirects(r, "/portal/")
        r = self.client.get("/")
        self.assertRedirects(r, "/portal/")
        # An agent with nothing assigned lands on the dashboard (its own test:
        # tests/incidents/test_desk_dashboard.py).
        self.client.force_login(self.cast.agent)
        self.assertRedirects(self.client.get("/"), "/dashboard/")

    def test_filters_and_bad_filter(self):
        a = IncidentFactory(caller=self.cast.requester, impact=1, urgency=1)
        b = IncidentFactory(caller=self.cast.requester)
        services.resolve(b, self.cast.agent, resolution_code="user_error",
                         resolution_notes="Explained")
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/", {"state": "new", "priority": "1"})
        self.assertContains(r, a.number)
        self.assertNotContains(r, b.number)
        with self.assertNothingChanged(a, b):
            r = self.client.get("/incidents/", {"assigned_to": "no-such-person"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "No user")

    def test_bulk_take_and_state(self):
        one = IncidentFactory(caller=self.cast.requester)
        two = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        r = self.client.post("/incidents/bulk/", {"selection": [one.number, two.number],
                                                  "action": "take", "next": "/incidents/"})
        self.assertRedirects(r, "/incidents/", fetch_redirect_response=False)
        for inc in (one, two):
            inc.refresh_from_db()
            self.assertEqual(inc.assigned_to, self.cast.agent)
            self.assertEqual(inc.state, "in_progress")
        r = self.client.post("/incidents/bulk/", {"selection": [one.number], "action": "state",
                                                  "state": "cancelled", "reason": "duplicate"})
        one.refresh_from_db()
        self.assertEqual(one.state, "cancelled")
        # A refused transition for one incident does not stop the others.
        with self.assertNothingChanged(one, two):
            r = self.client.post("/incidents/bulk/", {"selection": [one.number, two.number],
                                                      "action": "state", "state": "closed"},
                                 follow=True)
        two.refresh_from_db()
        self.assertEqual(two.state, "in_progress")
        self.assertContains(r, one.number)

    def test_bulk_refused_for_requester(self):
        inc = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.requester)
        with self.assertNothingChanged(inc):
            self.client.post("/incidents/bulk/", {"selection": [inc.number], "action": "take"})
        inc.refresh_from_db()
        self.assertIsNone(inc.assigned_to)


class IncidentPageTest(ServistaTestCase):
    def setUp(self):
        self.inc = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)

    def action(self, name, data=None, htmx=True):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        return self.client.post(f"/incidents/{self.inc.number}/{name}/", data or {}, **headers)

    def test_resolve_needs_code_then_resolves(self):
        with self.assertNothingChanged(self.inc):
            r = self.action("resolve", {"resolution_notes": "Replaced toner"})
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, "A resolution code is required", status_code=422)
        self.inc.refresh_from_db()
        self.assertEqual(self.inc.state, "new")
        r = self.action("resolve", {"resolution_code": "solved_permanently",
                                    "resolution_notes": "Replaced toner"})
        self.assertEqual(r.status_code, 204)
        self.assertEqual(r["HX-Redirect"], self.inc.get_absolute_url())
        self.inc.refresh_from_db()
        self.assertEqual(self.inc.state, "resolved")

    def test_take_hold_and_actions_shown_by_state(self):
        r = self.client.get(self.inc.get_absolute_url())
        self.assertContains(r, 'id="action-take"')
        self.assertNotContains(r, 'id="action-reopen"')
        self.assertNotContains(r, 'id="action-major"')  # managers only
        self.action("take", htmx=False)
        self.inc.refresh_from_db()
        self.assertEqual(self.inc.assigned_to, self.cast.agent)
        r = self.action("hold", {"hold_reason": "awaiting_vendor"})
        self.inc.refresh_from_db()
        self.assertEqual(self.inc.state, "on_hold")
        self.client.force_login(self.cast.manager)
        r = self.client.get(self.inc.get_absolute_url())
        self.assertContains(r, 'id="action-major"')

    def test_major_incident_refused_for_agent_allowed_for_manager(self):
        data = {"manager": self.cast.manager.pk, "swarm": [self.cast.agent.pk,
                                                           self.cast.agent2.pk]}
        with self.assertNothingChanged(self.inc):
            r = self.action("major", data)
        self.assertEqual(r.status_code, 403)
        self.client.force_login(self.cast.manager)
        r = self.action("major", data)
        self.assertEqual(r.status_code, 204)
        self.inc.refresh_from_db()
        self.assertTrue(self.inc.is_major)
        self.assertEqual(set(self.inc.swarm.all()), {self.cast.agent, self.cast.agent2})
        r = self.client.get(self.inc.get_absolute_url())
        self.assertContains(r, "Major incident.")

    def test_comment_and_work_note_in_place(self):
        r = self.client.post(f"/incidents/{self.inc.number}/comment/",
                             {"body": "Internal: **check** the switch", "kind": "work_note"},
                             HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "<strong>check</strong>", html=False)
        self.assertContains(r, 'id="activity-panel"')
        with self.assertNothingChanged(self.inc):
            r = self.client.post(f"/incidents/{self.inc.number}/comment/",
                                 {"body": "", "kind": "comment"}, HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 422)

    def test_markdown_is_sanitised(self):
        self.client.post(f"/incidents/{self.inc.number}/comment/",
                         {"body": "<script>alert(1)</script> [x](javascript:alert(1))",
                          "kind": "comment"})
        r = self.client.get(self.inc.get_absolute_url())
        self.assertNotContains(r, "<script>alert(1)</script>")
        self.assertNotContains(r, 'href="javascript:')

    def test_priority_preview(self):
        r = self.client.get("/priority-preview", {"impact": 1, "urgency": 2})
        self.assertContains(r, "2 - High")

    def test_edit_with_stale_version_is_refused(self):
        r = self.client.get(f"/incidents/{self.inc.number}/edit/")
        form = r.context["form"]
        data = {k: (v.pk if hasattr(v, "pk") else ("" if v is None else v))
                for k, v in form.initial.items()}
        data["caller"] = "rita"
        services.update_incident(self.inc, self.cast.agent2, {"urgency": 1})
        data["short_description"] = "My edit"
        with self.assertNothingChanged(self.inc):
            r = self.client.post(f"/incidents/{self.inc.number}/edit/", data)
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, "changed by someone else", status_code=422)
        self.inc.refresh_from_db()
        self.assertNotEqual(self.inc.short_description, "My edit")


class PageDetailsTest(ServistaTestCase):
    def test_shortcut_help_fits_the_role(self):
        self.client.force_login(self.cast.requester)
        r = self.client.get("/portal/")
        self.assertNotContains(r, "<kbd>w</kbd>")
        self.assertNotContains(r, "<kbd>j</kbd>")
        self.assertNotContains(r, "<kbd>x</kbd>")
        self.assertContains(r, "Report a problem</td>")
        self.assertContains(r, 'data-new-url="/portal/report/"')
        self.client.force_login(self.cast.agent)
        r = self.client.get("/portal/")
        self.assertContains(r, "<kbd>w</kbd>")
        self.assertContains(r, "<kbd>j</kbd>")
        self.assertContains(r, 'data-new-url="/incidents/new/"')

    def test_activity_shows_absolute_and_relative_time(self):
        inc = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        html = self.client.get(inc.get_absolute_url()).content.decode()
        activity = html[html.index('id="activity"'):]
        stamp = inc.opened_at.strftime("%-d %b %Y")
        self.assertRegex(activity, r"<time [^>]*>" + re.escape(stamp)
                         + r" \d\d:\d\d · [^<]+ ago</time>")
