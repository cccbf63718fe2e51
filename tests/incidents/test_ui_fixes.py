"""Fixes from the web UI audit: queues and list sorting and paging, HTMX
answers (expired sessions, dialog errors), refused actions, the bulk bar,
the portal's report form and paging, error pages, shortcuts and labels."""

import re

from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import include, path

from servista.incidents import services
from servista.incidents.factories import CategoryFactory, IncidentFactory
from servista.incidents.models import Incident
from servista.testing import PASSWORD, ServistaTestCase

HTMX = {"HTTP_HX_REQUEST": "true"}


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


def forbidden(request):
    raise PermissionDenied("No entry for you.")


# A URL configuration with a failing view, for the 500 page.
urlpatterns = [
    path("boom/", boom),
    path("forbidden/", forbidden),
    path("", include("servista.urls")),
]


def numbers_in_order(response) -> list[str]:
    return re.findall(r'data-number="(INC\d+)"', response.content.decode())


class QueueAndListTest(ServistaTestCase):
    def test_open_queue_is_by_priority_then_oldest(self):
        low_old = IncidentFactory(caller=self.cast.requester, impact=3, urgency=3)   # P5
        mid_old = IncidentFactory(caller=self.cast.requester, impact=2, urgency=2)   # P3
        high_old = IncidentFactory(caller=self.cast.requester, impact=1, urgency=1)  # P1
        mid_new = IncidentFactory(caller=self.cast.requester, impact=2, urgency=2)   # P3
        high_new = IncidentFactory(caller=self.cast.requester, impact=1, urgency=1)  # P1
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/queue/open/")
        expected = [i.number for i in (high_old, high_new, mid_old, mid_new, low_old)]
        self.assertEqual(numbers_in_order(r), expected)
        # The results partial (filters, paging) keeps that order too.
        r = self.client.get("/incidents/queue/open/", HTTP_HX_TARGET="results", **HTMX)
        self.assertEqual(numbers_in_order(r), expected)
        # A sort chosen in the header still wins.
        r = self.client.get("/incidents/queue/open/", {"sort": "-number"})
        self.assertEqual(numbers_in_order(r), sorted(expected, reverse=True))

    def test_bad_paging_values_do_not_fail(self):
        for _ in range(3):
            IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.admin)
        for url in ("/incidents/", "/incidents/queue/open/", "/services/", "/cis/"):
            for params in ({"per_page": "-5"}, {"per_page": "0"}, {"per_page": "abc"},
                           {"page": "-1"}, {"page": "0"}, {"page": "x"}, {"page": "9999"},
                           {"per_page": "-5", "page": "-3"}):
                with self.subTest(url=url, **params):
                    self.assertEqual(self.client.get(url, params).status_code, 200)
        # The page size is capped.
        r = self.client.get("/incidents/", {"per_page": "100000"})
        self.assertEqual(r.context["table"].paginator.per_page, 200)
        r = self.client.get("/incidents/", {"per_page": "1", "page": "9999"})
        self.assertEqual(r.context["table"].page.number, 3)

    def test_header_sorting_keeps_filters_and_goes_to_page_one(self):
        for _ in range(3):
            IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/", {"state": "new", "per_page": "1", "page": "2"})
        links = re.findall(r'<a href="(\?[^"]*)" class="sort-link"', r.content.decode())
        self.assertTrue(links)
        for link in links:
            self.assertIn("state=new", link)
            self.assertIn("sort=", link)
            self.assertNotIn("page=", link.replace("per_page=", ""))
        # Sorting links reload the results in place.
        self.assertRegex(r.content.decode(), r'<thead [^>]*hx-boost="true"')

    def test_sort_by_state(self):
        new = IncidentFactory(caller=self.cast.requester)
        resolved = IncidentFactory(caller=self.cast.requester)
        services.resolve(resolved, self.cast.agent, resolution_code="user_error",
                         resolution_notes="Explained")
        held = IncidentFactory(caller=self.cast.requester)
        services.put_on_hold(held, self.cast.agent, hold_reason="awaiting_vendor")
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/", {"sort": "state"})
        self.assertEqual(numbers_in_order(r), [new.number, held.number, resolved.number])
        self.assertContains(r, "sort=-state")
        r = self.client.get("/incidents/", {"sort": "-state"})
        self.assertEqual(numbers_in_order(r), [resolved.number, held.number, new.number])


class HtmxAnswersTest(ServistaTestCase):
    def setUp(self):
        self.inc = IncidentFactory(caller=self.cast.requester)

    def test_signed_out_htmx_request_redirects_the_page_to_sign_in(self):
        page = f"/incidents/{self.inc.number}/"
        current = {"HTTP_HX_CURRENT_URL": f"http://testserver{page}"}
        for method, url in (("post", f"{page}comment/"), ("get", f"{page}resolve/"),
                            ("post", f"{page}resolve/"), ("get", "/priority-preview")):
            with self.subTest(url=url):
                r = getattr(self.client, method)(url, {"body": "x"}, **HTMX, **current)
                self.assertNotEqual(r.status_code, 302)
                self.assertNotContains(r, "login-submit", status_code=r.status_code)
                self.assertEqual(r["HX-Redirect"], f"/login/?next={page}")
        # An HX-Current-URL of another site is not a place to come back to.
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
        r = self.client.post(f"/incidents/{self.inc.number}/cancel/", {"reason": ""}, **HTMX)
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
        r = self.client.get(self.url("priority"), **HTMX)
        self.assertEqual(r.status_code, 403)
        self.assertContains(r, "data-error-message", status_code=403)
        r = self.client.post(self.url("priority"), {"priority": "1", "reason": "x"}, **HTMX)
        self.assertEqual(r.status_code, 403)
        # An invalid form does not hide the refusal behind a 422.
        r = self.client.post(self.url("major"), {}, **HTMX)
        self.assertEqual(r.status_code, 403)
        self.client.force_login(self.cast.manager)
        self.assertEqual(self.client.get(self.url("priority"), **HTMX).status_code, 200)
        self.assertEqual(self.client.post(self.url("major"), {}, **HTMX).status_code, 422)

    def test_state_and_condition_refusals(self):
        services.take(self.inc, self.cast.agent)
        self.assertEqual(self.client.post(self.url("take")).status_code, 409)
        self.assertEqual(self.client.get(self.url("reopen"), **HTMX).status_code, 409)
        self.assertEqual(self.client.get(self.url("close"), **HTMX).status_code, 409)
        self.assertEqual(self.client.get(self.url("hold"), **HTMX).status_code, 200)


class BulkTest(ServistaTestCase):
    def setUp(self):
        self.client.force_login(self.cast.agent)

    def test_next_must_stay_on_the_site(self):
        inc = IncidentFactory(caller=self.cast.requester)
        for bad in ("//evil.example/x", "https://evil.example/x", "/\\evil.example",
                    "javascript:alert(1)"):
            with self.subTest(next=bad):
                r = self.client.post("/incidents/bulk/", {"selection": [inc.number],
                                                          "action": "take", "next": bad})
                self.assertEqual(r.status_code, 302)
                self.assertEqual(r["Location"], "/incidents/")
        r = self.client.post("/incidents/bulk/", {"selection": [inc.number], "action": "take",
                                                  "next": "/incidents/?state=new"})
        self.assertEqual(r["Location"], "/incidents/?state=new")
        r = self.client.post("/incidents/bulk/", {"action": "take", "next": "//evil.example"},
                             **HTMX)
        self.assertEqual(r["HX-Redirect"], "/incidents/")

    def test_bulk_bar_offers_hold_resolve_and_their_fields(self):
        IncidentFactory(caller=self.cast.requester)
        r = self.client.get("/incidents/")
        for value in ("in_progress", "on_hold", "resolved", "cancelled", "closed"):
            self.assertContains(r, f'<option value="{value}">')
        for name in ("hold_reason", "resolution_code", "resolution_notes", "reason"):
            self.assertContains(r, f'name="{name}"')
        self.assertContains(r, 'data-bulk-for="on_hold"')
        self.assertContains(r, 'data-bulk-for="resolved"')

    def test_bulk_resolve_hold_and_cancel(self):
        one, two, three = (IncidentFactory(caller=self.cast.requester) for _ in range(3))
        self.client.post("/incidents/bulk/", {
            "selection": [one.number, two.number], "action": "state", "state": "resolved",
            "resolution_code": "solved_permanently", "resolution_notes": "Fixed the switch"})
        self.client.post("/incidents/bulk/", {
            "selection": [three.number], "action": "state", "state": "on_hold",
            "hold_reason": "awaiting_vendor"})
        for inc, state in ((one, "resolved"), (two, "resolved"), (three, "on_hold")):
            inc.refresh_from_db()
            self.assertEqual(inc.state, state)
        r = self.client.post("/incidents/bulk/", {
            "selection": [three.number], "action": "state", "state": "cancelled"}, follow=True)
        self.assertContains(r, "Say why")
        self.client.post("/incidents/bulk/", {
            "selection": [three.number], "action": "state", "state": "cancelled",
            "reason": "Duplicate"})
        three.refresh_from_db()
        self.assertEqual(three.state, "cancelled")


class PortalTest(ServistaTestCase):
    def setUp(self):
        self.hardware = CategoryFactory(name="Hardware")
        self.printer = CategoryFactory(name="Printer", parent=self.hardware)
        self.software = CategoryFactory(name="Software")
        self.email = CategoryFactory(name="E-mail", parent=self.software)
        self.client.force_login(self.cast.requester)

    def test_report_with_category_and_subcategory(self):
        r = self.client.get("/portal/report/")
        for name in ("category", "subcategory", "service", "impact", "urgency"):
            self.assertContains(r, f'name="{name}"')
        self.assertContains(r, 'hx-get="/incidents/subcategories"')
        r = self.client.post("/portal/report/", {
            "short_description": "Printer jams", "impact": 3, "urgency": 2,
            "category": self.hardware.pk, "subcategory": self.printer.pk})
        inc = Incident.objects.get(short_description="Printer jams")
        self.assertRedirects(r, f"/portal/tickets/{inc.number}/")
        self.assertEqual((inc.category, inc.subcategory), (self.hardware, self.printer))
        # Optional; and a subcategory of another category is refused.
        r = self.client.post("/portal/report/", {"short_description": "Slow", "impact": 3,
                                                 "urgency": 3})
        self.assertEqual(r.status_code, 302)
        r = self.client.post("/portal/report/", {
            "short_description": "Mail down", "impact": 3, "urgency": 3,
            "category": self.hardware.pk, "subcategory": self.email.pk})
        self.assertEqual(r.status_code, 422)
        self.assertIn("subcategory", r.context["form"].errors)

    def test_subcategory_options_follow_the_category(self):
        r = self.client.get("/incidents/subcategories", {"category": self.hardware.pk})
        self.assertContains(r, f'<option value="{self.printer.pk}">Printer</option>')
        self.assertNotContains(r, "E-mail")
        for junk in ("", "abc", "99999999999999999999999"):
            r = self.client.get("/incidents/subcategories", {"category": junk})
            self.assertContains(r, '<optgroup label="Software">')
        self.assertContains(r, "Printer")
        r = self.client.post("/portal/report/", {"short_description": "", "impact": 3,
                                                 "urgency": 3, "category": self.software.pk})
        self.assertContains(r, "E-mail", status_code=422)
        self.assertNotContains(r, ">Printer<", status_code=422)

    def test_all_tab_pages_and_counts(self):
        incidents = [IncidentFactory(caller=self.cast.requester) for _ in range(30)]
        r = self.client.get("/portal/", {"tab": "all"})
        self.assertContains(r, "30 tickets")
        self.assertContains(r, incidents[-1].number)
        self.assertNotContains(r, incidents[0].number)
        self.assertContains(r, "?tab=all&amp;page=2")
        r = self.client.get("/portal/", {"tab": "all", "page": "2"})
        self.assertContains(r, incidents[0].number)
        self.assertEqual(self.client.get("/portal/", {"tab": "all", "page": "x"}).status_code,
                         200)


class ErrorPagesTest(ServistaTestCase):
    def test_404_and_403_have_the_site_layout(self):
        self.client.force_login(self.cast.agent)
        r = self.client.get("/no-such-page/")
        self.assertEqual(r.status_code, 404)
        self.assertContains(r, 'id="user-menu"', status_code=404)
        self.assertContains(r, "Page not found", status_code=404)
        inc = IncidentFactory(caller=self.cast.requester)
        r = self.client.get(f"/incidents/{inc.number}/priority/")
        self.assertEqual(r.status_code, 403)
        self.assertContains(r, 'id="user-menu"', status_code=403)
        self.assertContains(r, "not allowed", status_code=403)

    @override_settings(ROOT_URLCONF=__name__)
    def test_500_page_is_standalone(self):
        self.client.force_login(self.cast.agent)
        self.client.raise_request_exception = False
        r = self.client.get("/boom/")
        self.assertEqual(r.status_code, 500)
        self.assertContains(r, "Servista", status_code=500)
        self.assertContains(r, "Something went wrong", status_code=500)
        r = self.client.get("/forbidden/")
        self.assertContains(r, "No entry for you.", status_code=403)

    def test_lockout_page_links_back_to_sign_in(self):
        for _ in range(5):
            self.client.post("/login/", {"username": "alice", "password": "wrong"})
        r = self.client.post("/login/", {"username": "alice", "password": PASSWORD})
        self.assertEqual(r.status_code, 429)
        self.assertContains(r, 'href="/login/"', status_code=429)


class PageDetailsTest(ServistaTestCase):
    def test_shortcut_help_fits_the_role(self):
        self.client.force_login(self.cast.requester)
        r = self.client.get("/portal/")
        self.assertNotContains(r, "<kbd>w</kbd>")
        self.assertNotContains(r, "<kbd>j</kbd>")
        self.assertNotContains(r, "<kbd>x</kbd>")
        self.assertContains(r, "Report a problem</td>")
        self.assertContains(r, 'data-new-url="/portal/report/"')
        self.client.force_login(self.cast.agent)
        r = self.client.get("/portal/")
        self.assertContains(r, "<kbd>w</kbd>")
        self.assertContains(r, "<kbd>j</kbd>")
        self.assertContains(r, 'data-new-url="/incidents/new/"')

    def test_activity_shows_absolute_and_relative_time(self):
        inc = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.agent)
        html = self.client.get(inc.get_absolute_url()).content.decode()
        activity = html[html.index('id="activity"'):]
        stamp = inc.opened_at.strftime("%-d %b %Y")
        self.assertRegex(activity, r"<time [^>]*>" + re.escape(stamp)
                         + r" \d\d:\d\d · [^<]+ ago</time>")

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
