"""Incidents and problems linked from either side and in bulk: from the
problem (API, dialog, command line), from an incident's page, from the
incident list's bulk bar; the open incidents put on hold awaiting the
problem, which the incident page names; unlinking; refusals change nothing."""

import io

from django.core.management import call_command

from servista.core.models import JournalEntry, Link
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.problems import services
from servista.problems.factories import ProblemFactory
from servista.testing import ServistaTestCase

API = "/api/v1/problems"


class LinkingTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.problem = ProblemFactory(opened_by=self.cast.agent,
                                      short_description="Docking stations lose the monitor")
        self.incidents = [IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                          short_description=f"Second screen black {i}")
                          for i in range(3)]

    def numbers(self, problem=None):
        return set(services.linked_incidents(problem or self.problem)
                   .values_list("number", flat=True))

    def test_bulk_from_the_problem_with_hold(self):
        first, second, third = self.incidents
        r = self.api("POST", f"{API}/{self.problem.number}/link-incidents", self.cast.agent,
                     {"incidents": [first.number, second.number], "hold": True})
        self.assertStatus(r, 200)
        self.assertEqual(self.numbers(), {first.number, second.number})
        first.refresh_from_db()
        self.assertEqual((first.state, first.hold_reason), ("on_hold", "awaiting_problem"))
        entry = JournalEntry.objects.for_record(first).last()
        self.assertIn(self.problem.number, entry.body)
        self.client.force_login(self.cast.agent)
        page = self.client.get(first.get_absolute_url())
        self.assertContains(page, f'Awaiting problem: <a href="{self.problem.get_absolute_url()}"')
        # A second time: refused for those already linked, nothing stored.
        with self.assertNothingChanged(self.problem, first):
            r = self.api("POST", f"{API}/{self.problem.number}/link-incidents", self.cast.agent,
                         {"incidents": [first.number]})
            self.assertStatus(r, 422)
            self.assertIn("incidents", r.data["errors"])
        # The command line links too, and says what it did.
        out = io.StringIO()
        call_command("problem", "link-incidents", "--as", "alice", self.problem.number,
                     "--incidents", third.number, stdout=out)
        self.assertIn(third.number, out.getvalue())
        self.assertEqual(len(self.numbers()), 3)

    def test_refused_for_requesters_and_closed_problems(self):
        first = self.incidents[0]
        with self.assertNothingChanged(self.problem, first):
            r = self.api("POST", f"{API}/{self.problem.number}/link-incidents",
                         self.cast.requester, {"incidents": [first.number]})
            self.assertStatus(r, 404)
            r = self.api("POST", f"{API}/{self.problem.number}/link-incidents", self.cast.agent,
                         {"incidents": ["INC9999999"]})
            self.assertStatus(r, 422)
        services.change_state(self.problem, self.cast.manager, "cancelled", reason="Dup")
        self.problem.refresh_from_db()
        with self.assertNothingChanged(self.problem, first):
            r = self.api("POST", f"{API}/{self.problem.number}/link-incidents", self.cast.agent,
                         {"incidents": [first.number]})
            self.assertStatus(r, 409)

    def test_from_the_incident_page(self):
        incident = self.incidents[0]
        self.client.force_login(self.cast.agent)
        page = self.client.get(incident.get_absolute_url())
        self.assertContains(page, 'id="panel-problems"')
        r = self.client.post(f"/problems/link-incident/{incident.number}/",
                             {"problem": self.problem.number.lower(), "hold": "on"})
        self.assertRedirects(r, incident.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(self.numbers(), {incident.number})
        incident.refresh_from_db()
        self.assertEqual(incident.hold_reason, "awaiting_problem")
        page = self.client.get(incident.get_absolute_url())
        self.assertContains(page, self.problem.number)
        # The generic link of the kit does the same from the incident's side.
        other = self.incidents[1]
        r = self.api("POST", f"/api/v1/incidents/{other.number}/links", self.cast.agent,
                     {"target": self.problem.number, "kind": "caused_by"})
        self.assertStatus(r, 201)
        self.assertIn(other.number, self.numbers())

    def test_from_the_incident_list_bulk_bar(self):
        self.client.force_login(self.cast.agent)
        page = self.client.get("/incidents/")
        self.assertContains(page, 'formaction="/problems/from-incidents/"')
        selection = [i.number for i in self.incidents[:2]]
        r = self.client.post("/problems/from-incidents/", {"selection": selection})
        self.assertContains(r, selection[0])
        before = Incident.objects.count()
        with self.assertNothingChanged(*self.incidents):
            r = self.client.post("/problems/from-incidents/",
                                 {"selection": selection, "confirm": "1"})
            self.assertEqual(r.status_code, 422)
        r = self.client.post("/problems/from-incidents/", {
            "selection": selection, "confirm": "1", "short_description": "Docks drop screens",
            "hold": "on"})
        self.assertEqual(r.status_code, 302)
        from servista.problems.models import Problem

        created = Problem.objects.get(short_description="Docks drop screens")
        self.assertEqual(self.numbers(created), set(selection))
        self.assertEqual(Incident.objects.count(), before)
        r = self.client.post("/problems/from-incidents/", {
            "selection": [self.incidents[2].number], "confirm": "1",
            "problem": created.number})
        self.assertEqual(len(self.numbers(created)), 3)
        # Requesters never reach it.
        self.client.force_login(self.cast.requester)
        r = self.client.post("/problems/from-incidents/", {"selection": selection})
        self.assertEqual(r.status_code, 403)

    def test_unlink(self):
        incident = self.incidents[0]
        services.link_incidents(self.problem, self.cast.agent, [incident])
        services.unlink_incident(self.problem, incident, self.cast.agent)
        self.assertEqual(self.numbers(), set())
        self.assertIn("Unlinked", JournalEntry.objects.for_record(incident).last().body)
        from servista.core.exceptions import ValidationFailed

        with self.assertNothingChanged(self.problem), self.assertRaises(ValidationFailed):
            services.unlink_incident(self.problem, incident, self.cast.agent)
        self.assertFalse(Link.objects.filter(kind="caused_by").exists())
