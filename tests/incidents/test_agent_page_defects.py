"""What an agent met on the first day, fixed: the entry type of the
activity panel keeps the agent's last choice on each record and the two
types look unmistakably different; bulk refusals name fields by their
labels; the assign dialog lists each person once, marked with their groups
so it narrows to the chosen group's members; people are found by name,
e-mail and username; the search finds incidents by their caller's name;
an empty "Assigned to me" says so and points to the other queues."""

import re

from django.contrib.messages import get_messages
from django.urls import reverse

from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase

HTMX = {"HTTP_HX_REQUEST": "true"}


def checked_kind(html: str) -> str:
    match = re.search(r'<input type="radio"[^>]*name="kind" value="(\w+)"[^>]*checked', html)
    return match.group(1) if match else ""


class NoteTypeTest(ServistaTestCase):
    def setUp(self):
        self.inc = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                   assigned_to=self.cast.agent,
                                   assignment_group=self.cast.service_desk)
        self.other = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent)
        self.client.force_login(self.cast.agent)

    def test_the_last_choice_is_kept_per_record(self):
        page = self.client.get(self.inc.get_absolute_url()).content.decode()
        self.assertEqual(checked_kind(page), "comment")
        r = self.client.post(f"/incidents/{self.inc.number}/comment/",
                             {"body": "Checked the switch", "kind": "work_note"}, **HTMX)
        self.assertEqual(checked_kind(r.content.decode()), "work_note")
        page = self.client.get(self.inc.get_absolute_url()).content.decode()
        self.assertEqual(checked_kind(page), "work_note")
        # Another record starts on its own last choice (none yet: a comment).
        page = self.client.get(self.other.get_absolute_url()).content.decode()
        self.assertEqual(checked_kind(page), "comment")

    def test_the_two_types_look_different(self):
        page = self.client.get(self.inc.get_absolute_url()).content.decode()
        self.assertIn("note-kind-work_note btn-outline-warning", page)
        self.assertIn("bi-lock-fill", page)
        self.assertIn("Internal: only support staff will see this note.", page)
        self.assertIn("note-kind-comment btn-outline-primary", page)


class BulkLabelsTest(ServistaTestCase):
    def test_refusals_name_fields_by_their_labels(self):
        inc = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        with self.assertNothingChanged(inc):
            r = self.client.post("/incidents/bulk/", {
                "selection": [inc.number], "action": "state", "state": "resolved"})
        texts = [str(m) for m in get_messages(r.wsgi_request)]
        self.assertTrue(any(t.startswith(f"{inc.number}: Resolution code") for t in texts),
                        texts)
        self.assertFalse(any("resolution_code" in t for t in texts), texts)


class AssignDialogTest(ServistaTestCase):
    def test_each_person_once_with_their_groups(self):
        self.cast.network.members.add(self.cast.agent)  # alice in two groups
        inc = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        page = self.client.get(f"/incidents/{inc.number}/assign/").content.decode()
        options = re.findall(rf'<option value="{self.cast.agent.pk}"[^>]*>', page)
        self.assertEqual(len(options), 1, options)
        groups = re.search(r'data-groups="([\d ]+)"', options[0]).group(1).split()
        self.assertEqual(sorted(groups), sorted([str(self.cast.service_desk.pk),
                                                 str(self.cast.network.pk)]))
        self.assertIn('data-members-of="assignment_group"', page)
        self.assertNotIn("<optgroup", page)

    def test_assigning_outside_the_group_is_still_refused(self):
        inc = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        with self.assertNothingChanged(inc):
            r = self.client.post(f"/incidents/{inc.number}/assign/", {
                "assignment_group": self.cast.network.pk, "assigned_to": self.cast.agent.pk,
                "version": inc.version}, **HTMX)
        self.assertEqual(r.status_code, 422)


class PeopleSearchTest(ServistaTestCase):
    def setUp(self):
        self.cast.requester.last_name = "Jones"
        self.cast.requester.save()
        self.client.force_login(self.cast.agent)

    def test_type_ahead_by_name_email_and_username(self):
        for query in ("Rita Jones", "jones", "rita@example", "rita"):
            r = self.client.get("/people/search", {"q": query})
            self.assertContains(r, '<option value="rita">', msg_prefix=query)
        r = self.client.get("/people/search", {"q": "Rita Smith"})
        self.assertNotContains(r, "rita")

    def test_requesters_get_nothing(self):
        self.client.force_login(self.cast.colleague)
        r = self.client.get("/people/search", {"q": "rita"})
        self.assertEqual(r.content, b"")

    def test_caller_field_and_filter_take_a_full_name(self):
        r = self.client.post("/incidents/new/", {
            "caller": "Rita Jones", "short_description": "Printer jams", "impact": 3,
            "urgency": 3, "channel": "phone"})
        self.assertEqual(r.status_code, 302, getattr(r, "context", None)
                         and r.context["form"].errors)
        inc = IncidentFactory(caller=self.cast.colleague)
        page = self.client.get("/incidents/", {"caller": "rita jones"}).content.decode()
        self.assertIn("Printer jams", page)
        self.assertNotIn(inc.number, page)
        page = self.client.get("/incidents/").content.decode()
        self.assertRegex(page, r'name="caller"[^>]*data-people-search')

    def test_a_name_shared_by_two_is_a_form_error(self):
        self.cast.colleague.first_name = "Rita"
        self.cast.colleague.last_name = "Jones"
        self.cast.colleague.save()
        with self.assertNothingChanged():
            r = self.client.post("/incidents/new/", {
                "caller": "Rita Jones", "short_description": "Printer jams", "impact": 3,
                "urgency": 3, "channel": "phone"})
        self.assertEqual(r.status_code, 422)
        self.assertIn("caller", r.context["form"].errors)

    def test_search_finds_incidents_by_caller_name(self):
        mine = IncidentFactory(caller=self.cast.requester, short_description="Screen flickers")
        other = IncidentFactory(caller=self.cast.colleague, short_description="Mouse broken")
        page = self.client.get("/incidents/", {"q": "Rita Jones"}).content.decode()
        self.assertIn(mine.number, page)
        self.assertNotIn(other.number, page)
        r = self.api("get", "/api/v1/incidents?q=jones", user=self.cast.agent)
        self.assertEqual([i["number"] for i in r.data["items"]], [mine.number])


class EmptyQueueTest(ServistaTestCase):
    def test_an_empty_queue_says_so_and_points_elsewhere(self):
        IncidentFactory(caller=self.cast.requester)  # unassigned, in the service desk
        for user in (self.cast.manager, self.cast.admin):
            self.client.force_login(user)
            # With nothing assigned they land on the dashboard; their queue says so.
            self.assertRedirects(self.client.get("/"), "/dashboard/")
            r = self.client.get(reverse("incidents:queue", args=["mine"]))
            self.assertContains(r, 'id="empty-queue"')
            self.assertContains(r, "Nothing is assigned to you right now.")
            self.assertContains(r, "All open, by priority (1)")
