"""Saved views of a list (its filters, sort and columns), personal or shared
with one of the owner's groups; CSV and Excel export of any list: the rows
its filters give, in its order, with its columns, streamed; and the
preferences page."""

import csv
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from servista.core import personal
from servista.core.exceptions import ValidationFailed
from servista.core.models import SavedView
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase, nothing_changed


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


class ExportTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        c = self.cast
        self.high = IncidentFactory(caller=c.requester, impact=1, urgency=1,
                                    short_description="=HYPERLINK(\"http://x\")")
        self.low = [IncidentFactory(caller=c.requester) for _ in range(3)]
        self.client.force_login(c.agent)

    def test_csv_holds_the_filtered_rows_in_the_list_order_with_its_columns(self):
        r = self.client.get("/incidents/", {"priority": "3", "sort": "number",
                                            "columns": ["number", "short_description"],
                                            "export": "csv"})
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.streaming)
        self.assertIn("attachment;", r["Content-Disposition"])
        rows = csv_rows(r)
        self.assertEqual(rows[0], ["Number", "Short description"])
        self.assertEqual([row[0] for row in rows[1:]], [inc.number for inc in self.low])
        # The page shows the same rows, the same columns.
        page = self.client.get("/incidents/", {"priority": "3", "sort": "number",
                                               "columns": ["number", "short_description"]})
        shown = re.findall(r'data-number="(INC\d+)"', page.content.decode())
        self.assertEqual(shown, [row[0] for row in rows[1:]])
        self.assertNotContains(page, "<th class=\"orderable\"><a href=\"?sort=state")

    def test_text_is_never_a_formula_and_every_column_by_default(self):
        rows = csv_rows(self.client.get("/incidents/", {"priority": "1", "export": "csv"}))
        self.assertIn("Priority", rows[0])
        self.assertNotIn("", rows[0])  # the selection box is not exported
        cells = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual(cells["Short description"], "'=HYPERLINK(\"http://x\")")
        self.assertEqual(cells["Priority"], "1 - Critical")
        self.assertEqual(cells["Number"], self.high.number)

    def test_excel_export(self):
        from zipfile import ZipFile

        r = self.client.get("/incidents/", {"priority": "3", "export": "xlsx"})
        self.assertEqual(r.status_code, 200)
        self.assertIn("spreadsheetml", r["Content-Type"])
        book = ZipFile(io.BytesIO(b"".join(r.streaming_content)))
        text = book.read("xl/worksheets/sheet1.xml").decode()
        self.assertEqual(text.count("<row "), 1 + len(self.low))
        for inc in self.low:
            self.assertIn(inc.number, text)  # written inline (constant memory)
        self.assertNotIn(self.high.number, text)

    def test_export_queries_do_not_grow_with_the_rows(self):
        def count():
            with CaptureQueriesContext(connection) as ctx:
                r = self.client.get("/incidents/", {"export": "csv"})
                b"".join(r.streaming_content)
            return len(ctx.captured_queries)

        few = count()
        for _ in range(5):
            IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                            assignment_group=self.cast.service_desk, assigned_to=self.cast.agent)
        self.assertEqual(count(), few)

    def test_a_requester_exports_nothing_of_the_staff_lists(self):
        self.client.force_login(self.cast.requester)
        r = self.client.get("/incidents/", {"export": "csv"})
        self.assertEqual(r.status_code, 302)


class SavedViewTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        IncidentFactory(caller=self.cast.requester, impact=1, urgency=1)

    def test_save_use_share_and_delete(self):
        c = self.cast
        self.client.force_login(c.agent)
        r = self.client.post("/views/save/", {
            "path": "/incidents/", "name": "Critical first",
            "query": "priority=1&sort=-number&page=3&export=csv&columns=number",
            "shared_with": str(c.service_desk.pk)})
        view = SavedView.objects.get(owner=c.agent)
        self.assertEqual(view.query, "priority=1&sort=-number&columns=number")
        self.assertRedirects(r, "/incidents/?priority=1&sort=-number&columns=number",
                             fetch_redirect_response=False)
        page = self.client.get("/incidents/")
        self.assertContains(page, 'data-saved-view="Critical first"')
        # Its group's members see it; others do not.
        self.client.force_login(c.manager)
        self.assertContains(self.client.get("/incidents/"), 'data-saved-view="Critical first"')
        self.client.force_login(c.agent2)
        self.assertNotContains(self.client.get("/incidents/"), "Critical first")
        # Only its owner deletes it.
        with nothing_changed(view):
            self.client.force_login(c.manager)
            self.assertEqual(self.client.post(f"/views/{view.pk}/delete/").status_code, 404)
        self.client.force_login(c.agent)
        self.client.post(f"/views/{view.pk}/delete/", {"next": "/incidents/"})
        self.assertFalse(SavedView.objects.exists())

    def test_refusals_store_nothing(self):
        c = self.cast
        self.client.force_login(c.agent)
        for data in ({"path": "/incidents/", "name": ""},
                     {"path": "/incidents/", "name": "x" * 81},
                     {"path": "https://evil.example/", "name": "Away"},
                     {"path": "/incidents/", "name": "Theirs", "shared_with": str(c.network.pk)}):
            self.client.post("/views/save/", data)
        self.assertFalse(SavedView.objects.exists())
        with self.assertRaises(ValidationFailed) as caught:
            personal.save_view(c.agent, path="/incidents/", name="Theirs", query="",
                               shared_with=c.network)
        self.assertIn("shared_with", caught.exception.errors)
        self.assertEqual(self.client.get("/views/save/").status_code, 405)

    def test_a_view_of_the_same_name_is_replaced(self):
        c = self.cast
        personal.save_view(c.agent, path="/incidents/", name="Mine", query="priority=1")
        personal.save_view(c.agent, path="/incidents/", name="Mine", query="priority=2")
        self.assertEqual(list(SavedView.objects.values_list("query", flat=True)), ["priority=2"])


class PreferenceTest(ServistaTestCase):
    def test_shortcuts_theme_and_time_zone(self):
        self.client.force_login(self.cast.agent)
        page = self.client.get("/incidents/")
        self.assertNotContains(page, 'data-shortcuts="off"')
        self.assertContains(page, 'data-bs-theme="light"')
        r = self.client.post("/preferences/", {"theme": "dark", "time_zone": "Europe/Paris"})
        self.assertEqual(r.status_code, 302)
        page = self.client.get("/incidents/")
        self.assertContains(page, 'data-shortcuts="off"')
        self.assertContains(page, 'data-bs-theme="dark"')
        pref = personal.preference(self.cast.agent)
        self.assertEqual((pref.keyboard_shortcuts, pref.theme, pref.time_zone),
                         (False, "dark", "Europe/Paris"))

    def test_bad_values_are_refused_with_their_field(self):
        self.client.force_login(self.cast.agent)
        r = self.client.post("/preferences/", {"theme": "neon", "keyboard_shortcuts": "on"})
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, 'aria-describedby="id_theme_error"', status_code=422)
        self.assertContains(r, 'id="id_theme_error"', status_code=422)
        r = self.client.post("/preferences/", {"theme": "dark", "time_zone": "Mars/Olympus"})
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, 'aria-describedby="id_time_zone_helptext id_time_zone_error"',
                            status_code=422)
        self.assertContains(r, 'id="id_time_zone_error"', status_code=422)
        self.assertFalse(personal.preference(self.cast.agent).pk)
