"""The requesters' portal: reporting a problem (with its category and
subcategory, and its errors, which come back as the form alone), following
one's tickets (only one's own organization's, never staff work notes), the
tabs with their paging and counts, and reopening or confirming a
resolution."""

from servista.incidents import services
from servista.incidents.factories import CategoryFactory, IncidentFactory
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

HTMX = {"HTTP_HX_REQUEST": "true"}


def resolved(cast, caller):
    inc = IncidentFactory(caller=caller)
    return services.resolve(inc, cast.agent, resolution_code="solved_permanently",
                            resolution_notes="Fixed.")


class PortalTest(ServistaTestCase):
    def test_report_and_follow(self):
        self.client.force_login(self.cast.requester)
        r = self.client.post("/portal/report/", {"short_description": "Cannot print",
                                                 "impact": 3, "urgency": 2})
        inc = Incident.objects.get(short_description="Cannot print")
        self.assertRedirects(r, f"/portal/tickets/{inc.number}/")
        self.assertEqual(inc.caller, self.cast.requester)
        self.assertEqual(inc.channel, "portal")
        self.assertEqual(inc.priority, 4)
        self.assertEqual(inc.assignment_group, self.cast.service_desk)
        r = self.client.get("/portal/")
        self.assertContains(r, inc.number)

    def test_report_without_description_shows_error(self):
        self.client.force_login(self.cast.requester)
        with self.assertNothingChanged():
            r = self.client.post("/portal/report/", {"short_description": "", "impact": 3,
                                                     "urgency": 3})
        self.assertEqual(r.status_code, 422)
        self.assertIn("short_description", r.context["form"].errors)
        self.assertFalse(Incident.objects.exists())

    def test_report_errors_come_back_as_the_form_alone(self):
        self.client.force_login(self.cast.requester)
        with self.assertNothingChanged():
            r = self.client.post("/portal/report/", {"short_description": "   ", "impact": 2,
                                                     "urgency": 2}, **HTMX)
        self.assertEqual(r.status_code, 422)
        self.assertFalse(Incident.objects.exists())
        html = r.content.decode()
        self.assertTrue(html.lstrip().startswith("<form"), html[:80])
        self.assertNotIn("<nav", html)
        self.assertIn('id="report-form"', html)

    def test_report_with_a_junk_category_is_a_form_error(self):
        self.client.force_login(self.cast.requester)
        for junk in ("99999999999999999999999", "abc", "-1"):
            with self.assertNothingChanged():
                r = self.client.post("/portal/report/", {"short_description": "Printer",
                                                         "impact": 2, "urgency": 2,
                                                         "category": junk}, **HTMX)
            self.assertEqual(r.status_code, 422, junk)
            self.assertContains(r, 'id="report-form"', status_code=422)
        self.assertFalse(Incident.objects.exists())

    def test_other_organization_and_work_notes_hidden(self):
        inc = IncidentFactory(caller=self.cast.requester)
        services.work_note(inc, self.cast.agent, "internal-detail-xyz")
        services.comment(inc, self.cast.agent, "public-answer-abc")
        self.client.force_login(self.cast.requester_b)
        with self.assertNothingChanged(inc):
            self.assertEqual(self.client.get(f"/portal/tickets/{inc.number}/").status_code,
                             404)
        self.assertNotContains(self.client.get("/portal/?tab=all"), inc.number)
        self.client.force_login(self.cast.colleague)
        r = self.client.get(f"/portal/tickets/{inc.number}/")
        self.assertContains(r, "public-answer-abc")
        self.assertNotContains(r, "internal-detail-xyz")

    def test_awaiting_confirmation_lists_only_my_own(self):
        mine = resolved(self.cast, self.cast.requester)
        colleagues = resolved(self.cast, self.cast.colleague)
        self.client.force_login(self.cast.requester)
        r = self.client.get("/portal/", {"tab": "resolved"})
        self.assertContains(r, mine.number)
        self.assertNotContains(r, colleagues.number)
        r = self.client.get("/portal/", {"tab": "all"})
        self.assertContains(r, colleagues.number)  # still theirs to follow

    def test_caller_reopens_by_comment_and_confirms(self):
        inc = IncidentFactory(caller=self.cast.requester)
        services.resolve(inc, self.cast.agent, resolution_code="solved_remotely",
                         resolution_notes="Reset your profile")
        self.client.force_login(self.cast.requester)
        r = self.client.get(f"/portal/tickets/{inc.number}/")
        self.assertContains(r, 'id="confirm-button"')
        self.client.post(f"/portal/tickets/{inc.number}/comment/", {"body": "Still broken"})
        inc.refresh_from_db()
        self.assertEqual(inc.state, "in_progress")
        services.resolve(inc, self.cast.agent, resolution_code="solved_permanently",
                         resolution_notes="Replaced the disk")
        # A colleague may not confirm someone else's resolution.
        self.client.force_login(self.cast.colleague)
        with self.assertNothingChanged(inc):
            self.client.post(f"/portal/tickets/{inc.number}/confirm/")
        inc.refresh_from_db()
        self.assertEqual(inc.state, "resolved")
        self.client.force_login(self.cast.requester)
        self.client.post(f"/portal/tickets/{inc.number}/confirm/")
        inc.refresh_from_db()
        self.assertEqual(inc.state, "closed")


class PortalCategoriesAndPagingTest(ServistaTestCase):
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
        with self.assertNothingChanged(inc):
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
        with self.assertNothingChanged():
            r = self.client.post("/portal/report/", {"short_description": "", "impact": 3,
                                                     "urgency": 3,
                                                     "category": self.software.pk})
        self.assertContains(r, "E-mail", status_code=422)
        self.assertFalse(Incident.objects.exists())
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


class StaffPagesForRequestersTest(ServistaTestCase):
    def test_a_requester_on_a_staff_page_goes_to_the_portal_only_for_their_tickets(self):
        inc = IncidentFactory(caller=self.cast.requester)
        self.client.force_login(self.cast.requester)
        r = self.client.get(f"/incidents/{inc.number}/")
        self.assertRedirects(r, f"/portal/tickets/{inc.number}/", fetch_redirect_response=False)
        self.assertRedirects(self.client.get("/incidents/"), "/portal/",
                             fetch_redirect_response=False)
        # Another organization's requester learns nothing of it: not found,
        # as a number that does not exist.
        self.client.force_login(self.cast.requester_b)
        self.assertEqual(self.client.get(f"/incidents/{inc.number}/").status_code, 404)
        self.assertEqual(self.client.get("/incidents/INC9999999/").status_code, 404)
