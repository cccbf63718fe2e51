"""Idempotency-Key on POST requests: a retry of any action (bulk included)
replays the first answer, also when the same JSON is laid out differently;
the key with another body is refused; a refused request does not use up its
key."""

import json

from servista.core.models import JournalEntry
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"


class IdempotentActionsTest(ServistaTestCase):
    def test_retry_of_an_action_replays_the_first_answer(self):
        inc = IncidentFactory(caller=self.cast.requester)
        url = f"{API}/{inc.number}/hold"
        data = {"hold_reason": "awaiting_caller", "reason": "Asked for the serial number"}
        headers = {"Idempotency-Key": "hold-1"}
        first = self.api("POST", url, self.cast.agent, data, headers=headers)
        self.assertStatus(first, 200)
        self.assertEqual(first.data["state"], "on_hold")
        entries = JournalEntry.objects.for_record(inc).count()
        second = self.api("POST", url, self.cast.agent, data, headers=headers)
        self.assertStatus(second, 200)
        self.assertEqual(second.data, first.data)
        self.assertEqual(second.headers["ETag"], first.headers["ETag"])
        self.assertEqual(second.headers.get("Idempotent-Replayed"), "true")
        inc.refresh_from_db()
        self.assertEqual(inc.version, first.data["version"])
        self.assertEqual(JournalEntry.objects.for_record(inc).count(), entries)
        # Without the key, the same request is a new one (and a wrong one now).
        with self.assertNothingChanged(inc):
            self.assertStatus(self.api("POST", url, self.cast.agent, data), 409)

    def test_same_json_in_another_layout_is_the_same_request(self):
        inc = IncidentFactory(caller=self.cast.requester)
        url = f"{API}/{inc.number}/assign"
        auth = {"HTTP_AUTHORIZATION": f"Bearer {self.cast.tokens['agent']}",
                "HTTP_IDEMPOTENCY_KEY": "assign-1"}
        first = self.client.post(url, '{"assignment_group": "Service Desk", '
                                      '"assigned_to": "alice"}',
                                 content_type="application/json", **auth)
        self.assertEqual(first.status_code, 200, first.content)
        retry = self.client.post(url, json.dumps({"assigned_to": "alice",
                                                  "assignment_group": "Service Desk"},
                                                 indent=2),
                                 content_type="application/json", **auth)
        self.assertEqual(retry.status_code, 200, retry.content)
        self.assertEqual(retry.json(), first.json())
        self.assertEqual(retry["Idempotent-Replayed"], "true")
        with self.assertNothingChanged(inc):
            other = self.client.post(url, json.dumps({"assignment_group": "Network"}),
                                     content_type="application/json", **auth)
        self.assertEqual(other.status_code, 422)
        self.assertIn("Idempotency-Key", other.json()["errors"])
        inc.refresh_from_db()
        self.assertEqual(inc.assignment_group, self.cast.service_desk)

    def test_bulk_is_idempotent_too(self):
        inc = IncidentFactory(caller=self.cast.requester)
        data = {"incidents": [inc.number], "action": "take"}
        headers = {"Idempotency-Key": "bulk-1"}
        first = self.api("POST", f"{API}/bulk", self.cast.agent, data, headers=headers)
        self.assertStatus(first, 200)
        version = Incident.objects.get(pk=inc.pk).version
        second = self.api("POST", f"{API}/bulk", self.cast.agent, data, headers=headers)
        self.assertEqual((second.status, second.data), (first.status, first.data))
        self.assertEqual(second.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(Incident.objects.get(pk=inc.pk).version, version)


class RefusedRequestKeyTest(ServistaTestCase):
    def test_a_refused_request_does_not_use_up_its_key(self):
        key = {"Idempotency-Key": "fix-and-retry"}
        with self.assertNothingChanged():
            r = self.api("POST", API, self.cast.agent,
                         {"short_description": "x", "caller": "rita", "bogus": 1}, headers=key)
        self.assertStatus(r, 422)
        self.assertFalse(Incident.objects.exists())
        r = self.api("POST", API, self.cast.agent, {"short_description": "x", "caller": "rita"},
                     headers=key)
        self.assertStatus(r, 201)
        again = self.api("POST", API, self.cast.agent,
                         {"short_description": "x", "caller": "rita"}, headers=key)
        self.assertEqual(again.data["number"], r.data["number"])
        self.assertEqual(Incident.objects.filter(short_description="x").count(), 1)
        inc = Incident.objects.get(number=r.data["number"])
        stale = {"Idempotency-Key": "stale-then-fresh", "If-Match": '"99"'}
        with self.assertNothingChanged(inc):
            self.assertStatus(self.api("POST", f"{API}/{inc.number}/take", self.cast.agent, {},
                                       headers=stale), 412)
        r = self.api("POST", f"{API}/{inc.number}/take", self.cast.agent, {},
                     headers={"Idempotency-Key": "stale-then-fresh"})
        self.assertStatus(r, 200)
        self.assertNotIn("Idempotent-Replayed", r.headers)


class ByteForByteReplayTest(ServistaTestCase):
    def test_a_replay_answers_the_very_bytes_of_the_first_answer(self):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {self.cast.tokens['agent']}",
                "HTTP_IDEMPOTENCY_KEY": "bytes-1"}
        body = json.dumps({"short_description": "Café Wi-Fi — drops every hour",
                           "caller": "rita", "impact": 1})
        first = self.client.post(API, body, content_type="application/json", **auth)
        self.assertEqual(first.status_code, 201, first.content)
        replay = self.client.post(API, body, content_type="application/json", **auth)
        self.assertEqual(replay.status_code, 201)
        self.assertEqual(replay.content, first.content)
        for header in ("Content-Type", "ETag", "Location"):
            self.assertEqual(replay[header], first[header], header)
        self.assertEqual(replay["Idempotent-Replayed"], "true")
        self.assertEqual(Incident.objects.count(), 1)
