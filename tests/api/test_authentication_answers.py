"""Who is asking, through the API: a request without a valid token answers
401 whatever its method (never a CSRF refusal, which concerns only
browsers signed in with a session), and a signed-in browser is still held
to the CSRF token."""

import json

from django.test import Client

from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"
BODY = json.dumps({"short_description": "Printer jammed"})


class UnauthenticatedPostTest(ServistaTestCase):
    def setUp(self):
        # The test client skips CSRF checks unless asked: a real client does not.
        self.browserlike = Client(enforce_csrf_checks=True)

    def assert_401(self, response):
        self.assertEqual(response.status_code, 401, response.content)
        self.assertTrue(response["Content-Type"].startswith("application/json"))
        self.assertIn("Bearer", response["WWW-Authenticate"])
        self.assertIn("Authorization: Bearer", response.json()["detail"])

    def test_post_without_a_token_answers_401(self):
        with self.assertNothingChanged(*Incident.objects.all()):
            self.assert_401(self.browserlike.post(API, BODY, content_type="application/json"))
        self.assertFalse(Incident.objects.exists())

    def test_post_with_an_unknown_token_answers_401(self):
        for token in ("sv_not-a-real-token", "garbage", ""):
            with self.subTest(token=token):
                self.assert_401(self.browserlike.post(
                    API, BODY, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}"))
        self.assert_401(self.browserlike.patch(
            f"{API}/1", json.dumps({"urgency": 1}), content_type="application/json",
            HTTP_AUTHORIZATION="Bearer sv_not-a-real-token"))
        self.assertFalse(Incident.objects.exists())

    def test_post_with_a_valid_token_needs_no_csrf_token(self):
        r = self.browserlike.post(API, BODY, content_type="application/json",
                                  HTTP_AUTHORIZATION=f"Bearer {self.cast.tokens['agent']}")
        self.assertEqual(r.status_code, 201, r.content)

    def test_signed_in_browser_still_needs_the_csrf_token(self):
        self.browserlike.force_login(self.cast.agent)
        with self.assertNothingChanged(*Incident.objects.all()):
            r = self.browserlike.post(API, BODY, content_type="application/json")
        self.assertEqual(r.status_code, 403, r.content)
        self.assertFalse(Incident.objects.exists())
        # With the token of its session (as the pages send it), it may.
        self.browserlike.get("/incidents/")
        token = self.browserlike.cookies["csrftoken"].value
        r = self.browserlike.post(API, BODY, content_type="application/json",
                                  HTTP_X_CSRFTOKEN=token)
        self.assertEqual(r.status_code, 201, r.content)
