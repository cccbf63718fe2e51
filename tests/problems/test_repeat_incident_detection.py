"""Repeat-incident detection: N incidents on the same CI (or category,
service...) within a window propose a problem candidate, which a problem
manager accepts (a problem is logged with the incidents) or dismisses; a
dismissed value is proposed again only for later incidents."""

from datetime import timedelta

from servista.cmdb.factories import ConfigurationItemFactory
from servista.core import clock
from servista.incidents.factories import IncidentFactory
from servista.problems import services, trends
from servista.problems.models import ProblemCandidate, RepeatRule
from servista.problems.policies import PROBLEM_MANAGER
from servista.testing import ServistaTestCase

API = "/api/v1/problem-candidates"


class DetectionTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        RepeatRule.objects.all().delete()
        self.rule = RepeatRule.objects.create(name="CI, 3 in 2 days",
                                              dimension="configuration_item", threshold=3,
                                              window_days=2)
        self.switch = ConfigurationItemFactory(name="acc-sw-2f")
        self.quiet = ConfigurationItemFactory(name="acc-sw-3f")

    def log(self, ci, count, days_ago=0):
        with clock.at(clock.now() - timedelta(days=days_ago)):
            return [IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                    configuration_item=ci,
                                    short_description=f"No network on floor 2 ({i})")
                    for i in range(count)]

    def test_a_candidate_for_repeated_incidents_only(self):
        self.log(self.switch, 3)
        self.log(self.quiet, 2)
        self.log(self.quiet, 2, days_ago=5)  # outside the window
        found = trends.detect_repeats()
        self.assertEqual([(c.label, c.incident_count) for c in found], [("acc-sw-2f", 3)])
        self.assertEqual(len(trends.detect_repeats()), 1)  # the same candidate, updated
        self.assertEqual(ProblemCandidate.objects.count(), 1)
        self.log(self.switch, 1)
        trends.detect_repeats()
        self.assertEqual(ProblemCandidate.objects.get().incident_count, 4)

    def test_accepted_by_a_problem_manager_logs_the_problem(self):
        incidents = self.log(self.switch, 3)
        candidate = trends.detect_repeats()[0]
        with self.assertNothingChanged(candidate):
            r = self.api("POST", f"{API}/{candidate.pk}/accept", self.cast.agent, {})
            self.assertStatus(r, 403)
            self.assertStatus(self.api("GET", API, self.cast.requester), 200)
            self.assertEqual(self.api("GET", API, self.cast.requester).data, [])
            r = self.api("GET", API, self.cast.manager, {"status": "maybe"})
            self.assertStatus(r, 422)
            self.assertIn("status", r.data["errors"])
        r = self.api("GET", API, self.cast.manager)
        self.assertEqual([c["incident_count"] for c in r.data], [3])
        r = self.api("POST", f"{API}/{candidate.pk}/accept", self.cast.manager,
                     {"short_description": "Access switch 2F flaps"})
        self.assertStatus(r, 201)
        self.assertEqual((r.data["source"], r.data["configuration_item"]["display"]),
                         ("trend_analysis", "acc-sw-2f"))
        problem = services.rules.model.objects.get(number=r.data["number"])
        self.assertEqual(set(services.linked_incidents(problem)), set(incidents))
        candidate.refresh_from_db()
        self.assertEqual((candidate.status, candidate.problem), ("accepted", problem))
        # Linked incidents propose nothing more; a decided candidate is final.
        self.assertEqual(trends.detect_repeats(), [])
        with self.assertNothingChanged(candidate):
            r = self.api("POST", f"{API}/{candidate.pk}/dismiss", self.cast.manager,
                         {"reason": "x"})
            self.assertStatus(r, 409)

    def test_dismissed_with_a_reason_then_only_new_incidents_count(self):
        self.log(self.switch, 3)
        candidate = trends.detect_repeats()[0]
        self.cast.network.capabilities = [PROBLEM_MANAGER]
        self.cast.network.save()
        self.client.force_login(self.cast.agent2)
        with self.assertNothingChanged(candidate):
            r = self.client.post(candidate.get_absolute_url(), {"decision": "dismiss"})
            self.assertEqual(r.status_code, 422)
        r = self.client.post(candidate.get_absolute_url(),
                             {"decision": "dismiss", "reason": "Planned maintenance"})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(trends.detect_repeats(), [])
        with clock.at(clock.now() + timedelta(minutes=5)):
            self.log(self.switch, 3)
            found = trends.detect_repeats()
        self.assertEqual([c.incident_count for c in found], [3])
        self.assertEqual(ProblemCandidate.objects.count(), 2)
        # The managers see the count of proposals in the menu.
        page = self.client.get("/problems/candidates/")
        self.assertContains(page, "acc-sw-2f")
        self.client.force_login(self.cast.agent)
        self.assertEqual(self.client.get(found[0].get_absolute_url()).status_code, 200)
        r = self.client.post(found[0].get_absolute_url(), {"decision": "accept"})
        self.assertEqual(r.status_code, 403)
