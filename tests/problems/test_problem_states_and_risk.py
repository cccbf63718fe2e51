"""The problem's states (every transition not declared is refused, naming
the allowed ones), its risk priority from the matrix kept in data, and who
may cancel, close and see problems."""

from servista.problems import services
from servista.problems.choices import ProblemState
from servista.problems.factories import ProblemFactory
from servista.problems.models import Problem, RiskMatrix
from servista.problems.policies import PROBLEM_MANAGER
from servista.testing import ServistaTestCase

API = "/api/v1/problems"


class StatesTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.problem = ProblemFactory(opened_by=self.cast.agent,
                                      short_description="Laptops lose Wi-Fi after sleep")

    def move(self, target, user=None, **data):
        return self.api("PATCH", f"{API}/{self.problem.number}", user or self.cast.agent,
                        {"state": target, **data})

    def test_every_undeclared_transition_is_refused_with_the_allowed_ones(self):
        for target in (ProblemState.ROOT_CAUSE_ANALYSIS, ProblemState.KNOWN_ERROR,
                       ProblemState.FIX_IN_PROGRESS, ProblemState.RESOLVED,
                       ProblemState.CLOSED):
            with self.subTest(target=target), self.assertNothingChanged(self.problem):
                r = self.move(target)
                self.assertStatus(r, 409)
                self.assertIn("Assessed (assessed), Cancelled (cancelled)", r.data["detail"])
        r = self.move("no_such_state")
        self.assertStatus(r, 422)

    def test_the_three_phases_in_order(self):
        self.assertStatus(self.move("assessed"), 200)
        self.assertStatus(self.move("root_cause_analysis"), 200)
        with self.assertNothingChanged(self.problem):
            r = self.move("known_error")
            self.assertStatus(r, 422)
            self.assertEqual(set(r.data["errors"]), {"symptoms", "root_cause", "workaround"})
        r = self.move("known_error", symptoms="No Wi-Fi after sleep",
                      root_cause="Driver power saving", workaround="Toggle Wi-Fi off and on")
        self.assertStatus(r, 200)
        self.assertIsNotNone(r.data["review_due"])
        self.assertStatus(self.move("fix_in_progress"), 200)
        self.assertStatus(self.move("known_error"), 200)  # the fix was postponed
        self.problem.refresh_from_db()
        with self.assertNothingChanged(self.problem):
            r = self.api("POST", f"{API}/{self.problem.number}/resolve", self.cast.agent,
                         {"resolution_code": "fix_deployed"})
            self.assertStatus(r, 422)
            self.assertIn("resolution_notes", r.data["errors"])
        r = self.api("POST", f"{API}/{self.problem.number}/resolve", self.cast.agent,
                     {"resolution_code": "fix_deployed", "resolution_notes": "Driver 5.2"})
        self.assertStatus(r, 200)
        self.assertIsNone(r.data["review_due"])
        # The fix did not hold: analysed again, with a reason.
        self.problem.refresh_from_db()
        with self.assertNothingChanged(self.problem):
            self.assertStatus(self.api("POST", f"{API}/{self.problem.number}/reopen",
                                       self.cast.agent, {"reason": ""}), 422)
        r = self.api("POST", f"{API}/{self.problem.number}/reopen", self.cast.agent,
                     {"reason": "Back after the update"})
        self.assertEqual((r.data["state"], r.data["resolution_code"]),
                         ("root_cause_analysis", ""))

    def test_only_problem_managers_cancel_and_close(self):
        with self.assertNothingChanged(self.problem):
            r = self.api("POST", f"{API}/{self.problem.number}/cancel", self.cast.agent,
                         {"reason": "Duplicate"})
            self.assertStatus(r, 403)
            r = self.api("GET", f"{API}/{self.problem.number}", self.cast.requester)
            self.assertStatus(r, 404)
        self.cast.network.capabilities = [PROBLEM_MANAGER]
        self.cast.network.save()
        r = self.api("POST", f"{API}/{self.problem.number}/cancel", self.cast.agent2,
                     {"reason": "Duplicate"})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["state"], "cancelled")

    def test_requesters_see_no_problem(self):
        r = self.api("GET", API, self.cast.requester)
        self.assertEqual(r.data["count"], 0)
        self.client.force_login(self.cast.requester)
        self.assertEqual(self.client.get(self.problem.get_absolute_url()).status_code, 404)


class RiskTest(ServistaTestCase):
    def test_priority_is_impact_times_probability_from_the_matrix(self):
        r = self.api("POST", API, self.cast.agent, {"short_description": "Disk fills",
                                                    "impact": 1, "probability": 3})
        self.assertEqual(r.data["priority"], 3)
        number = r.data["number"]
        r = self.api("PATCH", f"{API}/{number}", self.cast.agent, {"probability": 1})
        self.assertEqual(r.data["priority"], 1)
        # The matrix is data: an administrator's change applies to the next rating.
        RiskMatrix.objects.filter(impact=1, probability=2).update(priority=4)
        from servista.core.refcache import clear_all

        clear_all()
        r = self.api("PATCH", f"{API}/{number}", self.cast.agent, {"probability": 2})
        self.assertEqual(r.data["priority"], 4)

    def test_overriding_the_priority_is_for_problem_managers_with_a_reason(self):
        problem = ProblemFactory(opened_by=self.cast.agent)
        with self.assertNothingChanged(problem):
            r = self.api("PATCH", f"{API}/{problem.number}", self.cast.agent, {"priority": 1})
            self.assertStatus(r, 403)
            r = self.api("PATCH", f"{API}/{problem.number}", self.cast.manager,
                         {"priority": 1})
            self.assertStatus(r, 422)
            self.assertIn("reason", r.data["errors"])
        r = self.api("PATCH", f"{API}/{problem.number}", self.cast.manager,
                     {"priority": 1, "reason": "Board meeting"})
        self.assertEqual((r.data["priority"], r.data["priority_overridden"]), (1, True))
        services.update_problem(Problem.objects.get(pk=problem.pk), self.cast.manager,
                                {"priority": None})
        self.assertEqual(Problem.objects.get(pk=problem.pk).priority, 3)
