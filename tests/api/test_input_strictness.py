"""The API refuses what it does not understand: unknown or read-only fields,
values of the wrong JSON type, unknown or malformed list parameters, unknown
paths and methods; and errors name the field as the client sent it.
(Idempotency-Key retries: test_idempotency.py.)"""

from servista.core.models import JournalEntry
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"


class UnknownFieldsTest(ServistaTestCase):
    def test_create_with_unknown_and_read_only_fields_is_422(self):
        before = Incident.objects.count()
        with self.assertNothingChanged():
            r = self.api("POST", API, self.cast.agent,
                         {"short_description": "x", "priority": 1, "state": "resolved",
                          "bogus": 1})
        self.assertStatus(r, 422)
        self.assertEqual(set(r.data["errors"]), {"bogus", "priority", "state"})
        self.assertEqual(r.data["errors"]["bogus"], ["Unknown field."])
        self.assertIn("cannot be changed", r.data["errors"]["state"][0])
        self.assertEqual(Incident.objects.count(), before)

    def test_patch_of_read_only_fields_says_they_cannot_be_changed(self):
        inc = IncidentFactory(caller=self.cast.requester)
        number, opened_by, version = inc.number, inc.opened_by_id, inc.version
        with self.assertNothingChanged(inc):
            r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent,
                         {"number": "INC1", "opened_by": "maria"})
        self.assertStatus(r, 422)
        self.assertEqual(set(r.data["errors"]), {"number", "opened_by"})
        for messages in r.data["errors"].values():
            self.assertEqual(len(messages), 1)
            self.assertIn("cannot be changed", messages[0])
        inc.refresh_from_db()
        self.assertEqual((inc.number, inc.opened_by_id, inc.version),
                         (number, opened_by, version))

    def test_every_problem_is_named_in_one_answer(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent,
                         {"number": "INC1", "impact": 7, "urgnecy": 1})
        self.assertStatus(r, 422)
        self.assertEqual(set(r.data["errors"]), {"number", "impact", "urgnecy"})
        self.assertEqual(r.data["errors"]["urgnecy"], ["Unknown field."])

    def test_bulk_and_user_patch_refuse_unknown_fields(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.api("POST", f"{API}/bulk", self.cast.agent,
                         {"incidents": [inc.number], "action": "take", "asignee": "alice"})
        self.assertStatus(r, 422)
        self.assertEqual(list(r.data["errors"]), ["asignee"])
        inc.refresh_from_db()
        self.assertIsNone(inc.assigned_to_id)

        rita = self.cast.requester
        with self.assertNothingChanged(rita):
            r = self.api("PATCH", f"/api/v1/users/{rita.username}", self.cast.admin,
                         {"title": "Boss", "username": "queen", "favourite_colour": "red"})
        self.assertStatus(r, 422)
        self.assertEqual(r.data["errors"]["favourite_colour"], ["Unknown field."])
        self.assertIn("cannot be changed", r.data["errors"]["username"][0])
        rita.refresh_from_db()
        self.assertEqual((rita.username, rita.title), ("rita", ""))

    def test_every_request_body_forbids_unknown_fields(self):
        # Every input schema inherits InputSchema (extra="forbid"): the
        # published document says so for each body of each operation.
        spec = self.client.get("/api/v1/openapi.json").json()
        components = spec["components"]["schemas"]
        bodies = 0
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                body = operation.get("requestBody")
                if not body:
                    continue
                if "multipart/form-data" in body["content"]:  # files: stated inline
                    schema = body["content"]["multipart/form-data"]["schema"]
                    name = schema["title"]
                else:
                    ref = body["content"]["application/json"]["schema"]["$ref"]
                    name = ref.rsplit("/", 1)[-1]
                    schema = components[name]
                self.assertIs(schema.get("additionalProperties"), False,
                              f"{method.upper()} {path}: {name} accepts unknown fields")
                bodies += 1
        self.assertGreater(bodies, 20)


class WrongTypesTest(ServistaTestCase):
    def test_booleans_and_fractions_are_not_references(self):
        before = Incident.objects.count()
        for value in (True, False, 1.5):
            with self.assertNothingChanged():
                r = self.api("POST", API, self.cast.agent,
                             {"short_description": "VPN down", "caller": value})
            self.assertStatus(r, 422)
            self.assertEqual(list(r.data["errors"]), ["caller"], value)
        self.assertEqual(Incident.objects.count(), before)
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.api("POST", f"{API}/{inc.number}/assign", self.cast.agent,
                         {"assignment_group": True})
        self.assertStatus(r, 422)
        self.assertIn("assignment_group", r.data["errors"])
        with self.assertNothingChanged(self.cast.service_desk):
            r = self.api("POST", "/api/v1/groups", self.cast.admin,
                         {"name": "DBA", "manager": True})
        self.assertStatus(r, 422)
        self.assertIn("manager", r.data["errors"])

    def test_levels_and_priorities_are_whole_numbers(self):
        before = Incident.objects.count()
        for field, value in (("impact", True), ("urgency", True), ("impact", 1.5),
                             ("urgency", "1")):
            with self.assertNothingChanged():
                r = self.api("POST", API, self.cast.agent,
                             {"short_description": "VPN down", "caller": "rita", field: value})
            self.assertStatus(r, 422)
            self.assertEqual(list(r.data["errors"]), [field], (field, value))
        self.assertEqual(Incident.objects.count(), before)
        inc = IncidentFactory(caller=self.cast.requester, impact=3, urgency=3)
        with self.assertNothingChanged(inc):
            r = self.api("POST", f"{API}/{inc.number}/override-priority", self.cast.manager,
                         {"priority": True, "reason": "CEO"})
        self.assertStatus(r, 422)
        self.assertIn("priority", r.data["errors"])
        with self.assertNothingChanged(inc):
            r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, {"impact": True})
        self.assertStatus(r, 422)
        inc.refresh_from_db()
        self.assertEqual((inc.impact, inc.priority), (3, 5))
        r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, {"impact": 1})
        self.assertStatus(r, 200)
        # 2.0 is the integer 2 in JSON (and in the OpenAPI document's JSON Schema).
        r = self.api("PATCH", f"{API}/{inc.number}", self.cast.agent, {"urgency": 2.0})
        self.assertStatus(r, 200)
        inc.refresh_from_db()
        self.assertEqual(inc.urgency, 2)

    def test_yes_no_fields_take_json_booleans_only(self):
        with self.assertNothingChanged(self.cast.service_desk):
            r = self.api("POST", "/api/v1/groups", self.cast.admin,
                         {"name": "DBA", "is_service_desk": "yes"})
        self.assertStatus(r, 422)
        self.assertIn("is_service_desk", r.data["errors"])


class ErrorKeysTest(ServistaTestCase):
    def test_union_errors_are_one_message_under_the_field_name(self):
        with self.assertNothingChanged():
            r = self.api("POST", API, self.cast.agent,
                         {"short_description": "VPN down", "caller": 1.5})
        self.assertStatus(r, 422)
        self.assertFalse(Incident.objects.exists())
        self.assertEqual(list(r.data["errors"]), ["caller"])
        self.assertEqual(len(r.data["errors"]["caller"]), 1)
        self.assertIn("id", r.data["errors"]["caller"][0])
        self.assertTrue(r.data["detail"].startswith("caller: "))

    def test_choice_errors_are_keyed_by_the_field(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.api("POST", f"{API}/{inc.number}/hold", self.cast.agent,
                         {"hold_reason": "bogus"})
        self.assertStatus(r, 422)
        self.assertEqual(list(r.data["errors"]), ["hold_reason"])
        self.assertEqual(len(r.data["errors"]["hold_reason"]), 1)
        self.assertIn("awaiting_caller", r.data["errors"]["hold_reason"][0])

    def test_comment_body_errors_are_keyed_body(self):
        inc = IncidentFactory(caller=self.cast.requester)
        url = f"{API}/{inc.number}/comments"
        for data in ({}, {"body": ""}, {"body": "   "}, {"kind": "work_note", "body": " "}):
            with self.assertNothingChanged(inc):
                r = self.api("POST", url, self.cast.agent, data)
            self.assertStatus(r, 422)
            self.assertEqual(list(r.data["errors"]), ["body"], data)
            self.assertEqual(len(r.data["errors"]["body"]), 1)
        self.assertEqual(JournalEntry.objects.for_record(inc).filter(
            kind__in=("comment", "work_note")).count(), 0)

    def test_nested_fields_are_named_parent_dot_child(self):
        inc = IncidentFactory(caller=self.cast.requester)
        with self.assertNothingChanged(inc):
            r = self.api("POST", f"{API}/{inc.number}/promote-major", self.cast.manager,
                         {"manager": "maria", "swarm": ["alice", 1.5], "reason": "outage"})
        self.assertStatus(r, 422)
        self.assertEqual(list(r.data["errors"]), ["swarm.1"])
        self.assertEqual(len(r.data["errors"]["swarm.1"]), 1)


class ListParametersTest(ServistaTestCase):
    def test_yes_no_filters_refuse_other_values_naming_the_parameter(self):
        with self.assertNothingChanged(self.cast.agent):
            for name, value in (("is_major", "maybe"), ("escalated", "maybe"),
                                ("open", "perhaps"), ("my_groups", "2")):
                r = self.api("GET", API, self.cast.agent, {name: value})
                self.assertStatus(r, 422)
                self.assertEqual(list(r.data["errors"]), [name])
            # Django's yes/no select maps unknown words to "any": not here either.
            r = self.api("GET", "/api/v1/users", self.cast.agent, {"is_active": "maybe"})
        self.assertStatus(r, 422)
        self.assertIn("is_active", r.data["errors"])

    def test_yes_no_filters_accept_the_usual_spellings(self):
        major = IncidentFactory(caller=self.cast.requester)
        minor = IncidentFactory(caller=self.cast.requester)
        Incident.objects.filter(pk=major.pk).update(is_major=True)
        for yes, no in (("true", "false"), ("TRUE", "False"), ("1", "0"), ("Yes", "NO")):
            r = self.api("GET", API, self.cast.agent, {"is_major": yes})
            self.assertStatus(r, 200)
            self.assertEqual([i["number"] for i in r.data["items"]], [major.number])
            r = self.api("GET", API, self.cast.agent, {"is_major": no})
            self.assertStatus(r, 200)
            self.assertEqual([i["number"] for i in r.data["items"]], [minor.number])
        r = self.api("GET", "/api/v1/users", self.cast.admin, {"is_active": "yes"})
        self.assertStatus(r, 200)

    def test_unknown_query_parameters_are_named(self):
        with self.assertNothingChanged():
            r = self.api("GET", API, self.cast.agent, {"stat": "new"})
            self.assertStatus(r, 422)
            self.assertEqual(list(r.data["errors"]), ["stat"])
            r = self.api("GET", "/api/v1/services", self.cast.agent, {"nmae": "Mail"})
        self.assertStatus(r, 422)
        self.assertIn("nmae", r.data["errors"])
        r = self.api("GET", API, self.cast.agent,
                     {"limit": 5, "offset": 0, "q": "printer", "state": "new",
                      "is_major": "no", "ordering": "-opened_at"})
        self.assertStatus(r, 200)

    def test_web_lists_still_ignore_their_own_parameters(self):
        IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/", {"page": 1, "per_page": 50, "utm_source": "mail"})
        self.assertEqual(r.status_code, 200)


class UnknownPathsAndMethodsTest(ServistaTestCase):
    def test_unknown_path_is_a_json_404(self):
        for url in ("/api/v1/nope", "/api/v1/incidents/INC0001001/nope",
                    "/api/v1/nope/deeper/"):
            with self.assertNothingChanged():
                r = self.api("GET", url, self.cast.agent)
            self.assertStatus(r, 404)
            self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
            self.assertIn("detail", r.data)

    def test_unsupported_method_is_a_json_405(self):
        inc = IncidentFactory(caller=self.cast.requester)
        for method in ("DELETE", "PUT"):
            with self.assertNothingChanged(inc):
                r = self.api(method, f"{API}/{inc.number}", self.cast.agent)
            self.assertStatus(r, 405)
            self.assertTrue(r.headers["Content-Type"].startswith("application/json"))
            self.assertIn(method, r.data["detail"])
            self.assertIn("PATCH", r.headers["Allow"])
        self.assertTrue(Incident.objects.filter(pk=inc.pk).exists())
