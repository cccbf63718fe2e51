"""The incident REST API: the standard resource tests, priority from the
matrix and its override, resolving, refused transitions and how they are
named, optimistic locking (If-Match), visibility to requesters, the journal,
bad input and links between records."""

from servista.core.models import JournalEntry
from servista.incidents.factories import IncidentFactory, incidents_with_every_relation
from servista.incidents.models import Incident
from servista.testing import APIViewTestCases, ServistaTestCase

API = "/api/v1/incidents"


class IncidentAPITest(APIViewTestCases.APIViewTestCase):
    model = Incident
    api_base = API
    lookup_field = "number"
    create_role = "requester"
    update_role = "agent"
    hidden_from = "requester_b"
    create_data = {"short_description": "Printer on floor 2 jams", "impact": 3, "urgency": 2}
    invalid_create_data = ({"impact": 7}, "impact")
    update_data = {"short_description": "Printer on floor 2 jams on tray 2"}

    def make_object(self):
        return IncidentFactory(caller=self.cast.requester)

    def make_filled_objects(self):
        return incidents_with_every_relation(caller=self.cast.requester, agent=self.cast.agent,
                                             manager=self.cast.manager)


class PriorityTest(ServistaTestCase):
    def test_priority_from_matrix_and_recomputed(self):
        r = self.api("POST", API, self.cast.agent,
                     {"short_description": "VPN down", "impact": 1, "urgency": 2,
                      "caller": "rita"})
        self.assertStatus(r, 201)
        self.assertEqual(r.data["priority"], 2)
        number = r.data["number"]
        r = self.api("PATCH", f"{API}/{number}", self.cast.agent, {"urgency": 3})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["priority"], 3)
        self.assertEqual(r.data["urgency"], 3)

    def test_manager_override_needs_reason_and_is_journaled(self):
        inc = IncidentFactory(caller=self.cast.requester, impact=3, urgency=3)
        url = f"{API}/{inc.number}/override-priority"
        with self.assertNothingChanged(inc):
            r = self.api("POST", url, self.cast.agent, {"priority": 1, "reason": "CEO"})
        self.assertStatus(r, 403)
        with self.assertNothingChanged(inc):
            r = self.api("POST", url, self.cast.manager, {"priority": 1})
        self.assertStatus(r, 422)
        self.assertIn("reason", r.data["errors"])
        r = self.api("POST", url, self.cast.manager, {"priority": 1, "reason": "Board meeting"})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["priority"], 1)
        self.assertTrue(r.data["priority_overridden"])
        entry = JournalEntry.objects.for_record(inc).last()
        self.assertIn("Board meeting", entry.body)
        self.assertEqual(entry.changes["priority"]["old"], 5)
        self.assertEqual(entry.changes["priority"]["new"], 1)
        # An overridden priority stays when impact changes; clearing it recomputes.
        r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, {"impact": 2})
        self.assertEqual(r.data["priority"], 1)
        r = self.api("POST", url, self.cast.manager, {"priority": None, "reason": "back"})
        self.assertEqual(r.data["priority"], 4)
        self.assertFalse(r.data["priority_overridden"])


class ResolveTest(ServistaTestCase):
    def test_resolve_without_code_is_422_and_changes_nothing(self):
        inc = IncidentFactory(caller=self.cast.requester)
        before_version = inc.version
        before_entries = JournalEntry.objects.for_record(inc).count()
        with self.assertNothingChanged(inc):
            r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent,
                         {"state": "resolved", "resolution_notes": "Rebooted",
                          "short_description": "changed too"})
        self.assertStatus(r, 422)
        self.assertIn("resolution_code", r.data["errors"])
        inc.refresh_from_db()
        self.assertEqual(inc.state, "new")
        self.assertEqual(inc.version, before_version)
        self.assertNotEqual(inc.short_description, "changed too")
        self.assertEqual(JournalEntry.objects.for_record(inc).count(), before_entries)
        with self.assertNothingChanged(inc):
            r = self.api("POST", f"{API}/{inc.number}/resolve", self.cast.agent,
                         {"resolution_notes": "Rebooted"})
        self.assertStatus(r, 422)
        self.assertIn("resolution_code", r.data["errors"])

    def test_resolve_then_caller_comment_reopens(self):
        inc = IncidentFactory(caller=self.cast.requester)
        r = self.api("POST", f"{API}/{inc.number}/resolve", self.cast.agent,
                     {"resolution_code": "solved_permanently", "resolution_notes": "Replaced"})
        self.assertStatus(r, 200)
        self.assertEqual(r.data["state"], "resolved")
        r = self.api("POST", f"{API}/{inc.number}/comments", self.cast.requester,
                     {"body": "Still broken"})
        self.assertStatus(r, 201)
        inc.refresh_from_db()
        self.assertEqual(inc.state, "in_progress")
        self.assertEqual(inc.reopen_count, 1)
        self.assertEqual(inc.resolution_code, "")

    def test_invalid_transition_is_409(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, {"state": "closed"})
        self.assertStatus(r, 409)
        self.assertIn("state", r.data["errors"])


class TransitionMessageTest(ServistaTestCase):
    def test_refused_transition_names_states_for_people_and_programs(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.api("POST", f"{API}/{inc.number}/close", self.cast.agent, {})
        self.assertStatus(r, 409)
        self.assertIn("Cannot go from New to Closed", r.data["detail"])
        self.assertIn("In progress (in_progress)", r.data["detail"])


class ConcurrencyTest(ServistaTestCase):
    def test_stale_if_match_is_412(self):
        inc = IncidentFactory(caller=self.cast.requester)
        r = self.api("GET", f"{API}/{inc.number}", self.cast.agent)
        etag = r.headers["ETag"]
        self.assertEqual(etag, f'"{inc.version}"')
        r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, {"urgency": 1},
                     headers={"If-Match": etag})
        self.assertStatus(r, 200)
        self.assertNotEqual(r.headers["ETag"], etag)
        with self.assertNothingChanged(inc):
            r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, {"urgency": 3},
                         headers={"If-Match": etag})
        self.assertStatus(r, 412)
        inc.refresh_from_db()
        self.assertEqual(inc.urgency, 1)

    def test_idempotency_key_replays_first_result(self):
        data = {"short_description": "Mail not arriving", "impact": 2, "urgency": 2}
        headers = {"Idempotency-Key": "retry-1"}
        first = self.api("POST", API, self.cast.requester, data, headers=headers)
        second = self.api("POST", API, self.cast.requester, data, headers=headers)
        self.assertStatus(first, 201)
        self.assertStatus(second, 201)
        self.assertEqual(first.data["number"], second.data["number"])
        self.assertEqual(Incident.objects.filter(short_description="Mail not arriving").count(), 1)
        with self.assertNothingChanged(Incident.objects.get(number=first.data["number"])):
            other = self.api("POST", API, self.cast.requester, {**data, "urgency": 1},
                             headers=headers)
        self.assertStatus(other, 422)


class VisibilityTest(ServistaTestCase):
    def test_requester_of_other_org_gets_404_agent_reads(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            self.assertStatus(self.api("GET", f"{API}/{inc.number}", self.cast.requester_b),
                              404)
            self.assertStatus(self.api("GET", f"{API}/{inc.pk}", self.cast.requester_b), 404)
        self.assertStatus(self.api("GET", f"{API}/{inc.number}", self.cast.agent), 200)
        # A colleague of the same organization sees it.
        self.assertStatus(self.api("GET", f"{API}/{inc.number}", self.cast.colleague), 200)
        listed = self.api("GET", API, self.cast.requester_b)
        self.assertNotIn(inc.number, [i["number"] for i in listed.data["items"]])

    def test_work_notes_never_reach_requesters(self):
        inc = IncidentFactory(caller=self.cast.requester)
        r = self.api("POST", f"{API}/{inc.number}/comments", self.cast.agent,
                     {"kind": "work_note", "body": "Secret: the admin password is hunter2"})
        self.assertStatus(r, 201)
        self.api("POST", f"{API}/{inc.number}/comments", self.cast.agent,
                 {"kind": "comment", "body": "We are on it"})
        journal = self.api("GET", f"{API}/{inc.number}/journal", self.cast.requester)
        self.assertStatus(journal, 200)
        text = str(journal.data)
        self.assertNotIn("hunter2", text)
        self.assertIn("We are on it", text)
        self.assertNotIn("work_note", [e["kind"] for e in journal.data])
        staff = self.api("GET", f"{API}/{inc.number}/journal", self.cast.agent)
        self.assertIn("hunter2", str(staff.data))
        # Requesters cannot write work notes either.
        with self.assertNothingChanged(inc):
            r = self.api("POST", f"{API}/{inc.number}/comments", self.cast.requester,
                         {"kind": "work_note", "body": "sneaky"})
        self.assertStatus(r, 403)

    def test_requester_cannot_patch(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.api("PATCH", f"{API}/{inc.number}", self.cast.requester,
                         {"state": "closed"})
        self.assertStatus(r, 403)


class JournalTest(ServistaTestCase):
    def test_every_field_change_with_actor_time_old_new(self):
        inc = IncidentFactory(caller=self.cast.requester)
        r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent,
                     {"impact": 1, "assignment_group": "Service Desk", "assigned_to": "alice"})
        self.assertStatus(r, 200)
        journal = self.api("GET", f"{API}/{inc.number}/journal", self.cast.agent).data
        change = journal[-1]
        self.assertEqual(change["actor"]["username"], "alice")
        self.assertTrue(change["created_at"])
        self.assertEqual(change["origin"], "api")
        self.assertEqual(change["changes"]["impact"]["old"], 2)
        self.assertEqual(change["changes"]["impact"]["new"], 1)
        self.assertEqual(change["changes"]["priority"]["old"], 3)
        self.assertEqual(change["changes"]["priority"]["new"], 2)
        self.assertEqual(change["changes"]["assigned_to"]["new_display"], "Alice")
        self.assertEqual(change["changes"]["state"]["old"], "new")
        self.assertEqual(change["changes"]["state"]["new"], "in_progress")


class BadInputTest(ServistaTestCase):
    def test_nul_characters_are_refused_naming_the_field(self):
        before = Incident.objects.count()
        with self.assertNothingChanged():
            r = self.api("POST", API, self.cast.agent,
                         {"short_description": "a\x00b", "caller": "rita"})
            self.assertStatus(r, 422)
            self.assertIn("short_description", r.data["errors"])
            self.assertEqual(Incident.objects.count(), before)
            r = self.api("GET", API, self.cast.agent, {"q": "x\x00"})
            self.assertStatus(r, 422)
            r = self.api("GET", f"{API}/INC%00", self.cast.agent)
            self.assertIn(r.status, (404, 422))

    def test_huge_and_odd_identifiers(self):
        with self.assertNothingChanged():
            for ident in ("99999999999999999999999", "¹", "-1", "INC"):
                r = self.api("GET", f"{API}/{ident}", self.cast.agent)
                self.assertStatus(r, 404)
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent,
                         {"caller": 99999999999999999999999})
        self.assertStatus(r, 422)
        self.assertIn("caller", r.data["errors"])

    def test_malformed_json_is_a_client_error(self):
        before = Incident.objects.count()
        with self.assertNothingChanged():
            r = self.client.post(API, "{not json", content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Bearer {self.cast.tokens['agent']}")
        self.assertIn(r.status_code, (400, 422))
        self.assertEqual(Incident.objects.count(), before)


class LinkAPITest(ServistaTestCase):
    def test_link_records_both_ways_and_refuse_requesters(self):
        a = IncidentFactory(caller=self.cast.requester)
        b = IncidentFactory(caller=self.cast.requester_b)
        with self.assertNothingChanged(a, b):
            r = self.api("POST", f"{API}/{a.number}/links", self.cast.requester,
                         {"target": b.number})
        self.assertStatus(r, 403)
        r = self.api("POST", f"{API}/{a.number}/links", self.cast.agent,
                     {"target": b.number, "kind": "duplicate_of"})
        self.assertStatus(r, 201)
        self.assertEqual((r.data["other"], r.data["kind"]), (b.number, "duplicate_of"))
        r = self.api("GET", f"{API}/{b.number}/links", self.cast.agent)
        self.assertEqual([(x["direction"], x["other"]) for x in r.data],
                         [("incoming", a.number)])
        # The requester of A learns only that B, another organization's
        # incident, exists: its number, not its title.
        r = self.api("GET", f"{API}/{a.number}/links", self.cast.requester)
        self.assertEqual([(x["other"], x["other_display"]) for x in r.data],
                         [(b.number, b.number)])
        with self.assertNothingChanged(a, b):
            r = self.api("POST", f"{API}/{a.number}/links", self.cast.agent,
                         {"target": "PRB123"})
        self.assertStatus(r, 422)
        self.assertIn("target", r.data["errors"])
