"""An article body holding a script, an event handler or a javascript: link
renders inert on every page that shows it: the staff's article page, a kept
version, the diff, the readers' page, the knowledge search and the
suggestions while typing."""

from html.parser import HTMLParser

from servista.knowledge import services
from servista.knowledge.factories import ArticleFactory
from servista.testing import ServistaTestCase

HOSTILE = (
    "Printer jams: try this\n\n"
    "<script>alert('kb')</script>\n\n"
    '<img src="x" onerror="alert(\'img\')">\n\n'
    "[Open the fix](javascript:alert('link'))\n\n"
    '<a href="javascript:alert(1)" onclick="alert(2)">click</a>\n\n'
    '<svg onload="alert(3)"><circle /></svg> printer jams'
)


class LiveMarkup(HTMLParser):
    """What a browser would run in a page: inline scripts (not the page's own
    script files or JSON data blocks), event-handler attributes, javascript:
    URLs, and frames or SVG that the article could have brought in."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.found.append(f"<script> {attrs}")
        if tag in ("iframe", "svg", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and \
                    (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")


class HostileBodyTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.article = ArticleFactory(opened_by=self.cast.agent, published_by=self.cast.manager,
                                      short_description="Printer jams <b onmouseover=x>",
                                      description=HOSTILE)
        services.revise(self.article, self.cast.agent)
        services.update_article(self.article, self.cast.agent,
                                {"description": HOSTILE + "\n\nAlso <iframe src=evil>"})
        services.submit(self.article, self.cast.agent)
        services.publish(self.article, self.cast.manager)

    def assert_inert(self, response):
        self.assertEqual(response.status_code, 200)
        parser = LiveMarkup()
        parser.feed(response.content.decode())
        self.assertEqual(parser.found, [], f"live markup on {response.request['PATH_INFO']}")

    def test_inert_on_every_page(self):
        number = self.article.number
        self.client.force_login(self.cast.agent)
        for url in (f"/knowledge/{number}/", f"/knowledge/{number}/versions/1/",
                    f"/knowledge/{number}/versions/2/", f"/knowledge/{number}/diff/",
                    f"/knowledge/read/{number}/", "/knowledge/?q=printer",
                    "/knowledge/search/?q=printer+jams", "/search/?q=printer"):
            with self.subTest(url=url):
                self.assert_inert(self.client.get(url))
        r = self.client.get("/incidents/suggestions", {"short_description": "printer jams"})
        self.assertIn(number, r.content.decode())
        self.assert_inert(r)
        self.client.force_login(self.cast.requester)
        for url in (f"/knowledge/read/{number}/", "/knowledge/search/?q=printer+jams"):
            with self.subTest(url=url):
                self.assert_inert(self.client.get(url))
        r = self.client.get("/incidents/suggestions", {"short_description": "printer jams"})
        self.assertIn(number, r.content.decode())
        self.assert_inert(r)

    def test_the_text_stays_readable(self):
        self.client.force_login(self.cast.requester)
        page = self.client.get(f"/knowledge/read/{self.article.number}/").content.decode()
        self.assertIn("Printer jams: try this", page)
        self.assertIn("Open the fix", page)  # the link's text, without its target
