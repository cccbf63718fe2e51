"""The work-record kit, checked the same way on incidents and on chores (a
practice that exists only in the tests, built from the kit with no line of
core of its own): numbering, journal, comments and work notes, links, a
declared action in the three faces, bulk, search, the page frame, final
states, versions and affected items; plus the standard API and page tests."""

from servista.incidents.models import Incident
from servista.testing import APIViewTestCases, RecordKitTestCases, ViewTestCases
from tests.practice.factories import ChoreFactory, chore_with_every_relation
from tests.practice.models import Chore


class IncidentKitTest(RecordKitTestCases.KitTest):
    model = Incident
    api_base, page_base, cli = "/api/v1/incidents", "/incidents/", "incident"
    create_data = {"short_description": "Printer on floor 2 jams", "caller": "rita"}
    action = "resolve"
    action_data = {"resolution_code": "solved_remotely", "resolution_notes": "New toner"}
    action_cli = ["--code", "solved_remotely", "--notes", "New toner"]
    action_state, action_user, action_refused_user = "resolved", "agent", "requester"
    final_state, final_data = "cancelled", {"reason": "Logged twice"}


class ChoreKitTest(RecordKitTestCases.KitTest):
    model = Chore
    api_base, page_base, cli = "/api/v1/chores", "/chores/", "chore"
    create_data = {"short_description": "Water the plants in the lobby",
                   "assignment_group": "Service Desk", "assigned_to": "alice"}
    action = "finish"
    action_data = {"reason": "Watered them"}
    action_cli = ["--reason", "Watered them"]
    action_state, action_user, action_refused_user = "done", "manager", "agent"
    final_state, final_data = "dropped", {"reason": "Plants are plastic"}


class ChoreAPITest(APIViewTestCases.APIViewTestCase):
    model = Chore
    api_base = "/api/v1/chores"
    lookup_field = "number"
    view_role = "agent"
    create_role = "requester"
    update_role = "agent"
    hidden_from = "requester_b"
    create_data = {"short_description": "Replace the lobby light bulbs", "impact": 3}
    invalid_create_data = ({"impact": 7}, "impact")
    update_data = {"short_description": "Replace all lobby light bulbs"}

    def make_object(self):
        return ChoreFactory(opened_by=self.cast.requester)

    def make_filled_objects(self):
        return [chore_with_every_relation(agent=self.cast.agent)]


class ChorePagesTest(ViewTestCases.ListViewTest, ViewTestCases.DetailViewTest,
                     ViewTestCases.CreateViewTest, ViewTestCases.EditViewTest):
    model = Chore
    list_url = "/chores/"
    create_url = "/chores/new/"
    form_data = {"short_description": "Clean the server room", "impact": 2, "urgency": 2}
    invalid_form_data = ({"short_description": ""}, "short_description")
    edit_data = {"short_description": "Clean the server room floor"}

    def make_object(self):
        return ChoreFactory(opened_by=self.cast.agent)

    def make_filled_objects(self):
        return [chore_with_every_relation(agent=self.cast.agent)]

    def edit_url(self, obj):
        return f"/chores/{obj.number}/edit/"

