"""Second look at the faces: the portal's report errors, final incidents in
the workspace, bulk after a lost session, the bulk API, refused requests
and their Idempotency-Key, whose resolution a requester confirms."""

from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"
HTMX = {"HTTP_HX_REQUEST": "true"}


def resolved(cast, caller):
    inc = IncidentFactory(caller=caller)
    return services.resolve(inc, cast.agent, resolution_code="solved_permanently",
                            resolution_notes="Fixed.")


class PortalTest(ServistaTestCase):
    def test_report_errors_come_back_as_the_form_alone(self):
        self.client.force_login(self.cast.requester)
        r = self.client.post("/portal/report/", {"short_description": "   ", "impact": 2,
                                                 "urgency": 2}, **HTMX)
        self.assertEqual(r.status_code, 422)
        html = r.content.decode()
        self.assertTrue(html.lstrip().startswith("<form"), html[:80])
        self.assertNotIn("<nav", html)
        self.assertIn('id="report-form"', html)

    def test_report_with_a_junk_category_is_a_form_error(self):
        self.client.force_login(self.cast.requester)
        for junk in ("99999999999999999999999", "abc", "-1"):
            r = self.client.post("/portal/report/", {"short_description": "Printer", "impact": 2,
                                                     "urgency": 2, "category": junk}, **HTMX)
            self.assertEqual(r.status_code, 422, junk)
            self.assertContains(r, 'id="report-form"', status_code=422)

    def test_awaiting_confirmation_lists_only_my_own(self):
        mine = resolved(self.cast, self.cast.requester)
        colleagues = resolved(self.cast, self.cast.colleague)
        self.client.force_login(self.cast.requester)
        r = self.client.get("/portal/", {"tab": "resolved"})
        self.assertContains(r, mine.number)
        self.assertNotContains(r, colleagues.number)
        r = self.client.get("/portal/", {"tab": "all"})
        self.assertContains(r, colleagues.number)  # still theirs to follow


class FinalIncidentPageTest(ServistaTestCase):
    def test_closed_incident_offers_no_comment_box_and_no_edit(self):
        inc = services.close(resolved(self.cast, self.cast.requester), self.cast.requester)
        self.client.force_login(self.cast.agent)
        page = self.client.get(inc.get_absolute_url())
        self.assertNotContains(page, 'id="comment-form"')
        r = self.client.get(f"/incidents/{inc.number}/edit/")
        self.assertRedirects(r, inc.get_absolute_url(), fetch_redirect_response=False)
        r = self.client.post(f"/incidents/{inc.number}/comment/", {"body": "x",
                                                                   "kind": "comment"}, **HTMX)
        self.assertEqual(r.status_code, 422)
        open_one = IncidentFactory(caller=self.cast.requester)
        self.assertContains(self.client.get(open_one.get_absolute_url()), 'id="comment-form"')

    def test_bulk_page_reached_by_get_goes_to_the_list(self):
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/bulk/")
        self.assertRedirects(r, "/incidents/", fetch_redirect_response=False)


class BulkAPITest(ServistaTestCase):
    def test_unknown_incidents_fail_alone_and_ids_are_accepted(self):
        a = IncidentFactory(caller=self.cast.requester)
        b = IncidentFactory(caller=self.cast.requester)
        r = self.api("POST", f"{API}/bulk", self.cast.agent,
                     {"incidents": [a.number, b.pk, "INC9999999"], "action": "take"})
        self.assertStatus(r, 200)
        self.assertEqual(set(r.data["done"]), {a.number, b.number})
        self.assertEqual(list(r.data["failed"]), ["INC9999999"])
        r = self.api("POST", f"{API}/bulk", self.cast.agent,
                     {"incidents": [True], "action": "take"})
        self.assertStatus(r, 422)


class RefusedRequestKeyTest(ServistaTestCase):
    def test_a_refused_request_does_not_use_up_its_key(self):
        key = {"Idempotency-Key": "fix-and-retry"}
        r = self.api("POST", API, self.cast.agent,
                     {"short_description": "x", "caller": "rita", "bogus": 1}, headers=key)
        self.assertStatus(r, 422)
        r = self.api("POST", API, self.cast.agent, {"short_description": "x", "caller": "rita"},
                     headers=key)
        self.assertStatus(r, 201)
        again = self.api("POST", API, self.cast.agent,
                         {"short_description": "x", "caller": "rita"}, headers=key)
        self.assertEqual(again.data["number"], r.data["number"])
        self.assertEqual(Incident.objects.filter(short_description="x").count(), 1)
        inc = Incident.objects.get(number=r.data["number"])
        stale = {"Idempotency-Key": "stale-then-fresh", "If-Match": '"99"'}
        self.assertStatus(self.api("POST", f"{API}/{inc.number}/take", self.cast.agent, {},
                                   headers=stale), 412)
        r = self.api("POST", f"{API}/{inc.number}/take", self.cast.agent, {},
                     headers={"Idempotency-Key": "stale-then-fresh"})
        self.assertStatus(r, 200)
        self.assertNotIn("Idempotent-Replayed", r.headers)


class TransitionMessageTest(ServistaTestCase):
    def test_refused_transition_names_states_for_people_and_programs(self):
        inc = IncidentFactory(caller=self.cast.requester)
        r = self.api("POST", f"{API}/{inc.number}/close", self.cast.agent, {})
        self.assertStatus(r, 409)
        self.assertIn("Cannot go from New to Closed", r.data["detail"])
        self.assertIn("In progress (in_progress)", r.data["detail"])


class FilterKeepsSortTest(ServistaTestCase):
    def test_filter_form_carries_the_sort_and_page_size(self):
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/", {"sort": "-priority", "per_page": "50", "page": "3"})
        self.assertContains(r, '<input type="hidden" name="sort" value="-priority">', html=True)
        self.assertContains(r, '<input type="hidden" name="per_page" value="50">', html=True)
        self.assertNotContains(r, '<input type="hidden" name="page" value="3">', html=True)
