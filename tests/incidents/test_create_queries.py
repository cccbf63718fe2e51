"""Logging an incident through the API, the hottest write path, reads
nothing back: the number, the incident and its journal entry are written,
and the answer is built from what the service already holds (no query for
the affected lists, the caller or the group)."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from servista.testing import ServistaTestCase


class CreateQueriesTest(ServistaTestCase):
    def test_an_api_create_only_writes(self):
        token = self.token_for(self.cast.agent)
        body = json.dumps({"short_description": "Mail is down", "impact": 1, "urgency": 2})

        def create():
            return self.client.post("/api/v1/incidents", body, content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Bearer {token}")

        self.assertEqual(create().status_code, 201)  # warms the token and reference caches
        with CaptureQueriesContext(connection) as ctx:
            r = create()
        self.assertEqual(r.status_code, 201)
        self.assertEqual(r.json()["affected_cis"], [])
        reads = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().startswith("SELECT")]
        self.assertEqual(reads, [])
        writes = [q["sql"].split()[0] for q in ctx.captured_queries
                  if q["sql"].split()[0] in ("INSERT", "UPDATE")]
        # number, incident, journal, its first interval for the service level
        # timers; the caller's acknowledgement and its mail job
        self.assertEqual(writes, ["UPDATE", "INSERT", "INSERT", "INSERT", "INSERT", "INSERT"])
