"""The known error's workaround offered on a matching incident and applied
in one journaled step (API, incident page); the periodic re-assessment of
unresolved known errors and its reminder."""

from datetime import timedelta

from servista.core import clock
from servista.core.models import JournalEntry
from servista.incidents.factories import IncidentFactory
from servista.notifications.models import Notification
from servista.problems import services
from servista.problems.factories import ProblemFactory, known_error
from servista.problems.models import Problem
from servista.testing import ServistaTestCase

API = "/api/v1/problems"


class WorkaroundTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.known = known_error(self.cast.agent, assigned_to=self.cast.agent,
                                 assignment_group=self.cast.service_desk)
        self.incident = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                        short_description="Outgoing mail waits in the outbox")

    def test_offered_on_the_matching_incident_and_applied_from_its_page(self):
        self.client.force_login(self.cast.agent)
        page = self.client.get(self.incident.get_absolute_url())
        self.assertContains(page, f'id="apply-{self.known.number}"')
        self.assertContains(page, "Restart the filter service")
        r = self.client.post(f"/problems/{self.known.number}/apply-to/{self.incident.number}/",
                             {})  # without "resolve": the caller is told in a comment
        self.assertRedirects(r, self.incident.get_absolute_url(),
                             fetch_redirect_response=False)
        self.incident.refresh_from_db()
        self.assertEqual(self.incident.state, "new")
        comment = JournalEntry.objects.for_record(self.incident).filter(kind="comment").last()
        self.assertIn("Restart the filter service", comment.body)
        self.assertEqual(list(services.problems_of(self.incident)), [self.known])

    def test_applied_through_the_api_resolves_and_is_counted(self):
        r = self.api("POST", f"{API}/{self.known.number}/apply-workaround", self.cast.agent,
                     {"incident": self.incident.number})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["workaround_applied_count"], 1)
        self.incident.refresh_from_db()
        self.assertEqual((self.incident.state, self.incident.resolution_code),
                         ("resolved", "solved_workaround"))
        self.assertIn(self.known.number, self.incident.resolution_notes)
        last = JournalEntry.objects.for_record(self.known).last()
        self.assertIn(self.incident.number, last.body)

    def test_refused_when_not_a_known_error_or_not_allowed(self):
        plain = ProblemFactory(opened_by=self.cast.agent, workaround="Reboot")
        with self.assertNothingChanged(plain, self.incident):
            r = self.api("POST", f"{API}/{plain.number}/apply-workaround", self.cast.agent,
                         {"incident": self.incident.number})
            self.assertStatus(r, 409)
            r = self.api("POST", f"{API}/{self.known.number}/apply-workaround",
                         self.cast.requester, {"incident": self.incident.number})
            self.assertStatus(r, 404)
        services.apply_workaround(self.known, self.incident, self.cast.agent)
        self.incident.refresh_from_db()
        self.known.refresh_from_db()
        with self.assertNothingChanged(self.known, self.incident):
            r = self.api("POST", f"{API}/{self.known.number}/apply-workaround",
                         self.cast.agent, {"incident": self.incident.number})
            self.assertStatus(r, 409)  # already resolved


class ReassessmentTest(ServistaTestCase):
    def test_due_known_errors_are_reassessed_and_their_owners_reminded(self):
        problem = known_error(self.cast.agent, assigned_to=self.cast.agent,
                              assignment_group=self.cast.service_desk)
        later = problem.review_due + timedelta(days=1)
        self.assertEqual(services.remind_reassessments(today=later), 1)
        self.assertEqual(services.remind_reassessments(today=later), 0)
        self.assertTrue(Notification.objects.filter(
            user=self.cast.agent, subject__startswith=f"Re-assess known error {problem.number}"
        ).exists())
        with self.assertNothingChanged(problem):
            r = self.api("POST", f"{API}/{problem.number}/reassess", self.cast.agent,
                         {"note": " "})
            self.assertStatus(r, 422)
        with clock.at(clock.now() + timedelta(days=31)):
            r = self.api("POST", f"{API}/{problem.number}/reassess", self.cast.agent,
                         {"note": "Workaround still right; fix planned for the next release"})
        self.assertStatus(r, 200)
        self.assertIsNotNone(r.data["reviewed_at"])
        self.assertGreater(r.data["review_due"], str(problem.review_due))
        listed = self.api("GET", "/api/v1/known-errors", self.cast.agent, {"q": "outbox"})
        self.assertEqual([p["number"] for p in listed.data["items"]], [problem.number])
        self.assertEqual(Problem.objects.filter(pk=problem.pk).get().state, "known_error")
