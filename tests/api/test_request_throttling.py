"""API requests are throttled per token (and per signed-in person), across
every process: past the limit of a minute, 429 with Retry-After until the
minute ends, and nothing is done."""

import time
from unittest import mock

import pytest

from servista.core.exceptions import Throttled
from servista.core.throttling import Throttle, credential_of_token
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"
LIMIT = 5


class RequestThrottlingTest(ServistaTestCase):
    def setUp(self):
        from django.conf import settings

        self.limited = self.settings(SERVISTA={**settings.SERVISTA, "API_RATE_LIMIT": LIMIT})
        self.limited.enable()
        self.addCleanup(self.limited.disable)
        # Every request of a test in the same minute.
        start = (int(time.time() // 60) * 60) + 1
        clock = mock.patch("servista.core.throttling.time.time", return_value=start)
        self.now = clock.start()
        self.addCleanup(clock.stop)

    def get(self, user):
        return self.api("GET", API, user)

    def test_past_the_limit_a_token_gets_429_with_retry_after(self):
        for _ in range(LIMIT):
            self.assertStatus(self.get(self.cast.agent), 200)
        r = self.get(self.cast.agent)
        self.assertStatus(r, 429)
        self.assertEqual(r.headers["Retry-After"], "59")
        self.assertIn("Too many requests", r.data["detail"])
        # A write past the limit does nothing.
        with self.assertNothingChanged(*Incident.objects.all()):
            r = self.api("POST", API, self.cast.agent, {"short_description": "Too late"})
        self.assertStatus(r, 429)
        self.assertFalse(Incident.objects.exists())
        # Another token is counted on its own.
        self.assertStatus(self.get(self.cast.agent2), 200)
        # The next minute, the token may again.
        self.now.return_value += 60
        self.assertStatus(self.get(self.cast.agent), 200)

    def test_the_count_is_shared_by_every_process(self):
        for _ in range(LIMIT):
            self.assertStatus(self.get(self.cast.manager), 200)
        other_process = Throttle()
        with pytest.raises(Throttled):
            other_process.check(credential_of_token(self.cast.tokens["manager"]))

    def test_a_signed_in_browser_is_throttled_too(self):
        self.client.force_login(self.cast.agent)
        statuses = [self.client.get(API).status_code for _ in range(LIMIT + 1)]
        self.assertEqual(statuses, [200] * LIMIT + [429])

    def test_no_limit_when_turned_off(self):
        from django.conf import settings

        with self.settings(SERVISTA={**settings.SERVISTA, "API_RATE_LIMIT": 0}):
            for _ in range(LIMIT * 2):
                self.assertStatus(self.get(self.cast.agent), 200)
