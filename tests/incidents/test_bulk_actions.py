"""Bulk actions on incidents, in the workspace and through the API: where the
page goes afterwards (only ever on this site), the bulk bar's states and
their fields, resolve/hold/cancel of several incidents at once, and the bulk
API, where unknown incidents fail alone."""

from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"
HTMX = {"HTTP_HX_REQUEST": "true"}


class BulkTest(ServistaTestCase):
    def setUp(self):
        self.client.force_login(self.cast.agent)

    def test_next_must_stay_on_the_site(self):
        inc = IncidentFactory(caller=self.cast.requester)
        for bad in ("//evil.example/x", "https://evil.example/x", "/\\evil.example",
                    "javascript:alert(1)"):
            with self.subTest(next=bad):
                r = self.client.post("/incidents/bulk/", {"selection": [inc.number],
                                                          "action": "take", "next": bad})
                self.assertEqual(r.status_code, 302)
                self.assertEqual(r["Location"], "/incidents/")
        r = self.client.post("/incidents/bulk/", {"selection": [inc.number], "action": "take",
                                                  "next": "/incidents/?state=new"})
        self.assertEqual(r["Location"], "/incidents/?state=new")
        r = self.client.post("/incidents/bulk/", {"action": "take", "next": "//evil.example"},
                             **HTMX)
        self.assertEqual(r["HX-Redirect"], "/incidents/")

    def test_bulk_page_reached_by_get_goes_to_the_list(self):
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/bulk/")
        self.assertRedirects(r, "/incidents/", fetch_redirect_response=False)

    def test_bulk_bar_offers_hold_resolve_and_their_fields(self):
        IncidentFactory(caller=self.cast.requester)
        r = self.client.get("/incidents/")
        for value in ("in_progress", "on_hold", "resolved", "cancelled", "closed"):
            self.assertContains(r, f'<option value="{value}">')
        for name in ("hold_reason", "resolution_code", "resolution_notes", "reason"):
            self.assertContains(r, f'name="{name}"')
        self.assertContains(r, 'data-bulk-for="on_hold"')
        self.assertContains(r, 'data-bulk-for="resolved"')

    def test_bulk_resolve_hold_and_cancel(self):
        one, two, three = (IncidentFactory(caller=self.cast.requester) for _ in range(3))
        self.client.post("/incidents/bulk/", {
            "selection": [one.number, two.number], "action": "state", "state": "resolved",
            "resolution_code": "solved_permanently", "resolution_notes": "Fixed the switch"})
        self.client.post("/incidents/bulk/", {
            "selection": [three.number], "action": "state", "state": "on_hold",
            "hold_reason": "awaiting_vendor"})
        for inc, state in ((one, "resolved"), (two, "resolved"), (three, "on_hold")):
            inc.refresh_from_db()
            self.assertEqual(inc.state, state)
        with self.assertNothingChanged(three):
            r = self.client.post("/incidents/bulk/", {
                "selection": [three.number], "action": "state", "state": "cancelled"},
                follow=True)
        self.assertContains(r, "Say why")
        self.client.post("/incidents/bulk/", {
            "selection": [three.number], "action": "state", "state": "cancelled",
            "reason": "Duplicate"})
        three.refresh_from_db()
        self.assertEqual(three.state, "cancelled")


class BulkAPITest(ServistaTestCase):
    def test_unknown_incidents_fail_alone_and_ids_are_accepted(self):
        a = IncidentFactory(caller=self.cast.requester)
        b = IncidentFactory(caller=self.cast.requester)
        r = self.api("POST", f"{API}/bulk", self.cast.agent,
                     {"incidents": [a.number, b.pk, "INC9999999"], "action": "take"})
        self.assertStatus(r, 200)
        self.assertEqual(set(r.data["done"]), {a.number, b.number})
        self.assertEqual(list(r.data["failed"]), ["INC9999999"])
        with self.assertNothingChanged(a, b):
            r = self.api("POST", f"{API}/bulk", self.cast.agent,
                         {"incidents": [True], "action": "take"})
        self.assertStatus(r, 422)
