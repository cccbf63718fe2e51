"""The action dialogs of the incident page (resolve, hold, cancel, priority,
major...) and their HTMX answers: a request whose session has expired sends
the whole page to sign in, a form error comes back as the form alone, without
HTMX an action is a whole page; actions the state or the role does not allow
are refused (409, 403); dialogs mark their required fields."""

import re

from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase

HTMX = {"HTTP_HX_REQUEST": "true"}


class HtmxAnswersTest(ServistaTestCase):
    def setUp(self):
        self.inc = IncidentFactory(caller=self.cast.requester)

    def test_signed_out_htmx_request_redirects_the_page_to_sign_in(self):
        page = f"/incidents/{self.inc.number}/"
        current = {"HTTP_HX_CURRENT_URL": f"http://testserver{page}"}
        for method, url in (("post", f"{page}comment/"), ("get", f"{page}resolve/"),
                            ("post", f"{page}resolve/"), ("get", "/priority-preview")):
            with self.subTest(url=url), self.assertNothingChanged(self.inc):
                r = getattr(self.client, method)(url, {"body": "x"}, **HTMX, **current)
                self.assertNotEqual(r.status_code, 302)
                self.assertNotContains(r, "login-submit", status_code=r.status_code)
                self.assertEqual(r["HX-Redirect"], f"/login/?next={page}")
        # An HX-Current-URL of another site is not a place to come back to.
        with self.assertNothingChanged(self.inc):
            r = self.client.post(f"{page}comment/", {"body": "x"}, **HTMX,
                                 HTTP_HX_CURRENT_URL="https://evil.example/")
        self.assertEqual(r["HX-Redirect"], f"/login/?next={page}comment/")
        # Without HTMX, the ordinary redirect to the sign-in page.
        r = self.client.get(page)
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith("/login/?next="))
        # Signed in, HTMX answers are untouched.
        self.client.force_login(self.cast.agent)
        r = self.client.get(f"{page}resolve/", **HTMX)
        self.assertEqual(r.status_code, 200)
        self.assertFalse(r.has_header("HX-Redirect"))

    def test_dialog_error_answer_is_the_form_only(self):
        self.client.force_login(self.cast.agent)
        r = self.client.get(f"/incidents/{self.inc.number}/resolve/", **HTMX)
        self.assertContains(r, "modal-header")
        with self.assertNothingChanged(self.inc):
            r = self.client.post(f"/incidents/{self.inc.number}/resolve/",
                                 {"resolution_notes": "Replaced toner"}, **HTMX)
        self.assertEqual(r.status_code, 422)
        body = r.content.decode()
        self.assertNotIn("modal-header", body)
        self.assertNotIn("btn-close", body)
        self.assertEqual(body.count("<form"), 1)
        self.assertIn('id="action-form"', body)
        self.assertIn("A resolution code is required", body)
        # A form error from the form itself (not the service) too.
        with self.assertNothingChanged(self.inc):
            r = self.client.post(f"/incidents/{self.inc.number}/cancel/", {"reason": ""},
                                 **HTMX)
        self.assertEqual(r.status_code, 422)
        self.assertNotContains(r, "modal-header", status_code=422)

    def test_action_without_htmx_is_a_whole_page(self):
        self.client.force_login(self.cast.agent)
        r = self.client.get(f"/incidents/{self.inc.number}/resolve/")
        self.assertContains(r, 'id="user-menu"')
        self.assertContains(r, 'id="action-form"')


class ActionRefusalTest(ServistaTestCase):
    def setUp(self):
        self.inc = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)

    def url(self, action):
        return f"/incidents/{self.inc.number}/{action}/"

    def test_start_on_resolved_incident_is_refused(self):
        services.resolve(self.inc, self.cast.agent, resolution_code="user_error",
                         resolution_notes="Explained")
        with self.assertNothingChanged(self.inc):
            for headers in ({}, HTMX):
                r = self.client.post(self.url("start"), {"reason": "bypass"}, **headers)
                self.assertEqual(r.status_code, 409)
                self.assertContains(r, "not possible", status_code=409)
                self.assertContains(r, "data-error-message", status_code=409)
            self.assertEqual(self.client.get(self.url("start"), **HTMX).status_code, 409)
        self.inc.refresh_from_db()
        self.assertEqual(self.inc.state, "resolved")
        self.assertEqual(self.inc.reopen_count, 0)
        # The offered way still works.
        r = self.client.post(self.url("reopen"), {"reason": "Still broken"}, **HTMX)
        self.assertEqual(r.status_code, 204)
        self.inc.refresh_from_db()
        self.assertEqual(self.inc.state, "in_progress")

    def test_manager_only_dialogs_are_refused_to_agents(self):
        with self.assertNothingChanged(self.inc):
            r = self.client.get(self.url("priority"), **HTMX)
            self.assertEqual(r.status_code, 403)
            self.assertContains(r, "data-error-message", status_code=403)
            r = self.client.post(self.url("priority"), {"priority": "1", "reason": "x"},
                                 **HTMX)
            self.assertEqual(r.status_code, 403)
            # An invalid form does not hide the refusal behind a 422.
            r = self.client.post(self.url("major"), {}, **HTMX)
            self.assertEqual(r.status_code, 403)
        self.client.force_login(self.cast.manager)
        self.assertEqual(self.client.get(self.url("priority"), **HTMX).status_code, 200)
        with self.assertNothingChanged(self.inc):
            self.assertEqual(self.client.post(self.url("major"), {}, **HTMX).status_code, 422)

    def test_state_and_condition_refusals(self):
        services.take(self.inc, self.cast.agent)
        with self.assertNothingChanged(self.inc):
            self.assertEqual(self.client.post(self.url("take")).status_code, 409)
            self.assertEqual(self.client.get(self.url("reopen"), **HTMX).status_code, 409)
            self.assertEqual(self.client.get(self.url("close"), **HTMX).status_code, 409)
        self.assertEqual(self.client.get(self.url("hold"), **HTMX).status_code, 200)


class RequiredFieldMarksTest(ServistaTestCase):
    def test_required_fields_of_dialogs_are_marked(self):
        inc = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        star = '<span class="text-danger" aria-hidden="true">*</span>'
        for action, label in (("resolve", "Resolution code"), ("resolve", "Resolution notes"),
                              ("hold", "Waiting for"), ("cancel", "Reason")):
            with self.subTest(action=action, label=label):
                r = self.client.get(f"/incidents/{inc.number}/{action}/", **HTMX)
                self.assertRegex(r.content.decode(), re.escape(label) + r"\s*" + re.escape(star))
        r = self.client.get(f"/incidents/{inc.number}/resolve/", **HTMX)
        self.assertContains(r, 'aria-required="true"', count=2)
