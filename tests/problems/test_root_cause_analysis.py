"""The root cause as structured data: its method (5 whys, fishbone,
timeline), the analysis, the contributing causes; typed as lines on the
page, as JSON through the API and the command line."""

import io
import json

from django.core.management import call_command
from django.core.management.base import CommandError

from servista.problems.factories import ProblemFactory
from servista.testing import ServistaTestCase

API = "/api/v1/problems"


class AnalysisTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.problem = ProblemFactory(opened_by=self.cast.agent,
                                      short_description="Mail delayed every morning")

    def analyse(self, data, user=None):
        return self.api("POST", f"{API}/{self.problem.number}/analysis",
                        user or self.cast.agent, data)

    def test_five_whys_and_contributing_causes(self):
        r = self.analyse({"rca_method": "five_whys", "root_cause": "No capacity alert",
                          "rca": {"whys": [{"why": "Why delayed?", "because": "Queue full"},
                                           {"because": "Disk full at 6:00"}]},
                          "contributing_causes": [
                              {"cause": "Alert went to an old mailbox", "kind": "duration"},
                              {"cause": "Log rotation off"}]})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["rca"]["whys"][1], {"why": "Why 2?",
                                                    "because": "Disk full at 6:00"})
        self.assertEqual([c["kind"] for c in r.data["contributing_causes"]],
                         ["duration", "occurrence"])
        self.client.force_login(self.cast.agent)
        page = self.client.get(self.problem.get_absolute_url())
        self.assertContains(page, "Disk full at 6:00")
        self.assertContains(page, "Alert went to an old mailbox")

    def test_fishbone_by_category(self):
        r = self.analyse({"rca_method": "fishbone",
                          "rca": {"effect": "Mail delayed",
                                  "bones": {"technology": ["Disk too small"],
                                            "process": ["No capacity review"]}}})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["rca"]["bones"]["process"], ["No capacity review"])

    def test_malformed_analysis_is_refused_naming_the_field(self):
        for data, field in (
                ({"rca_method": "five_whys", "rca": {"whys": []}}, "rca"),
                ({"rca_method": "fishbone", "rca": {"bones": {"weather": ["rain"]}}}, "rca"),
                ({"rca_method": "", "rca": {"notes": "x"}}, "rca_method"),
                ({"contributing_causes": [{"cause": "", "kind": "impact"}]},
                 "contributing_causes"),
                ({"contributing_causes": [{"cause": "x", "kind": "weather"}]},
                 "contributing_causes")):
            with self.subTest(data=data), self.assertNothingChanged(self.problem):
                r = self.analyse(data)
                self.assertStatus(r, 422)
                self.assertTrue(any(key.startswith(field) for key in r.data["errors"]),
                                r.data)
        with self.assertNothingChanged(self.problem):
            self.assertIn(self.analyse({"root_cause": "x"}, self.cast.requester).status,
                          (403, 404))

    def test_the_page_turns_lines_into_the_analysis(self):
        self.client.force_login(self.cast.agent)
        r = self.client.post(f"/problems/{self.problem.number}/analysis/", {
            "rca_method": "five_whys", "root_cause": "Disk too small",
            "whys": "Queue full\nDisk full\n", "causes": "impact: No failover\nOld disk",
        }, HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 204)
        self.problem.refresh_from_db()
        self.assertEqual([w["because"] for w in self.problem.rca["whys"]],
                         ["Queue full", "Disk full"])
        self.assertEqual(self.problem.contributing_causes,
                         [{"cause": "No failover", "kind": "impact"},
                          {"cause": "Old disk", "kind": "occurrence"}])

    def test_the_command_line_takes_the_analysis_as_json(self):
        out = io.StringIO()
        call_command("problem", "analysis", "--as", "alice", self.problem.number,
                     "--rca-method", "timeline", "--root-cause", "Cron overlap",
                     "--rca", json.dumps({"events": [{"at": "06:00", "what": "Backup"}]}),
                     stdout=out)
        self.problem.refresh_from_db()
        self.assertEqual(self.problem.rca, {"events": [{"at": "06:00", "what": "Backup"}]})
        with self.assertRaises(CommandError):
            call_command("problem", "analysis", "--as", "alice", self.problem.number,
                         "--rca-method", "timeline", "--rca", "{not json", stdout=out)
