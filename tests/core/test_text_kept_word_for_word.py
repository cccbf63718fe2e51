"""Text that looks like markup (logs, XML, configuration) is kept word for
word in work notes, comments and portal descriptions, shown as text, while
Markdown still formats and nothing executes."""

import html

from servista.core.markup import markdown_html, markdown_text
from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

PASTED = 'Error <ConnectionRefused> in <Outlook.Addin>; <add key="Teams"/>'


def shown_text(page: str) -> str:
    """The page's text as a reader sees it (entities decoded)."""
    return html.unescape(page)


class MarkupTextTest(ServistaTestCase):
    def test_angle_brackets_survive_and_markdown_formats(self):
        out = markdown_html(f"{PASTED} and **bold**\n\n```\n<xml a=\"1\"/>\n```")
        self.assertIn("Error &lt;ConnectionRefused&gt; in &lt;Outlook.Addin&gt;; "
                      "&lt;add key=\"Teams\"/&gt;", out)
        self.assertIn("<strong>bold</strong>", out)
        self.assertIn("&lt;xml a=", out)

    def test_nothing_executes(self):
        out = markdown_html('<script>alert(1)</script> <img src=x onerror="alert(1)"> '
                            "[x](javascript:alert(1))")
        self.assertNotIn("<script", out)
        self.assertNotIn("<img", out)
        self.assertNotIn('href="javascript:', out)
        self.assertIn("&lt;script&gt;", out)

    def test_plain_words_of_markdown(self):
        self.assertEqual(markdown_text(f"**Fixed**: {PASTED}\n\n- one\n- two"),
                         f"Fixed: {PASTED}\n\n- one\n- two")

    def test_work_note_and_comment_keep_every_character(self):
        inc = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                              assigned_to=self.cast.agent,
                              assignment_group=self.cast.service_desk)
        self.client.force_login(self.cast.agent)
        for kind in ("work_note", "comment"):
            self.client.post(f"/incidents/{inc.number}/comment/",
                             {"body": f"{kind}: {PASTED}", "kind": kind})
        page = shown_text(self.client.get(inc.get_absolute_url()).content.decode())
        self.assertIn(f"work_note: {PASTED}", page)
        self.assertIn(f"comment: {PASTED}", page)

    def test_portal_description_keeps_every_character(self):
        self.client.force_login(self.cast.requester)
        self.client.post("/portal/report/", {"short_description": "Teams add-in fails",
                                             "description": PASTED, "impact": 3,
                                             "urgency": 3})
        inc = Incident.objects.get(short_description="Teams add-in fails")
        self.assertEqual(inc.description, PASTED)
        services.comment(inc, self.cast.agent, f"Seen: {PASTED}")
        page = shown_text(self.client.get(f"/portal/tickets/{inc.number}/").content.decode())
        self.assertIn(PASTED, page)
        self.assertIn(f"Seen: {PASTED}", page)
