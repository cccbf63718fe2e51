"""The work-record kit's checks and the standard API and page tests, run on
problems."""

from servista.problems.factories import ProblemFactory, problem_with_every_relation
from servista.problems.models import Problem
from servista.problems.policies import PROBLEM_MANAGER
from servista.testing import APIViewTestCases, RecordKitTestCases, ViewTestCases


class ProblemKitTest(RecordKitTestCases.KitTest):
    model = Problem
    api_base, page_base, cli = "/api/v1/problems", "/problems/", "problem"
    create_data = {"short_description": "Printer queue stalls every Monday"}
    action = "assess"
    action_data = {"reason": "Logged and rated"}
    action_cli = ["--reason", "Logged and rated"]
    action_state, action_user, action_refused_user = "assessed", "agent", "requester"
    final_state, final_data = "cancelled", {"reason": "Not a problem after all"}
    stale_edits = ({"probability": 1}, {"probability": 3})
    cli_create_options = ("--probability", "1")
    cli_created = {"probability": 1, "priority": 2}

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cast.service_desk.capabilities = [PROBLEM_MANAGER]
        cls.cast.service_desk.save()


class ProblemAPITest(APIViewTestCases.APIViewTestCase):
    model = Problem
    api_base = "/api/v1/problems"
    lookup_field = "number"
    view_role = "agent"
    create_role = "agent"
    update_role = "agent"
    hidden_from = "requester"
    create_data = {"short_description": "VPN gateway drops sessions", "impact": 1,
                   "probability": 2}
    invalid_create_data = ({"probability": 4}, "probability")
    update_data = {"symptoms": "Sessions end after an hour"}

    def make_object(self):
        return ProblemFactory(opened_by=self.cast.agent)

    def make_filled_objects(self):
        return [problem_with_every_relation(agent=self.cast.agent)]


class ProblemPagesTest(ViewTestCases.ListViewTest, ViewTestCases.DetailViewTest,
                       ViewTestCases.CreateViewTest, ViewTestCases.EditViewTest):
    model = Problem
    list_url = "/problems/"
    create_url = "/problems/new/"
    form_data = {"short_description": "Backups fail at night", "impact": 2, "probability": 2,
                 "source": "proactive"}
    invalid_form_data = ({"short_description": ""}, "short_description")
    edit_data = {"short_description": "Backups fail every night"}

    def make_object(self):
        return ProblemFactory(opened_by=self.cast.agent)

    def make_filled_objects(self):
        return [problem_with_every_relation(agent=self.cast.agent)]

    def edit_url(self, obj):
        return f"/problems/{obj.number}/edit/"
