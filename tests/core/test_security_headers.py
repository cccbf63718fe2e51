"""A Content-Security-Policy on every answer, pages and API alike, that
allows scripts only from Servista's own files (no inline script, no eval),
and pages that need nothing else: no inline script, no event-handler
attribute, no style attribute or element."""

import re

from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<[^>]+\sstyle\s*=|<style[\s>]", re.I)


def directives(header: str) -> dict[str, list[str]]:
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


class ContentSecurityPolicyTest(ServistaTestCase):
    def assert_policy(self, response, url):
        header = response.get("Content-Security-Policy")
        self.assertTrue(header, f"{url}: no Content-Security-Policy")
        policy = directives(header)
        self.assertEqual(policy["script-src"], ["'self'"], url)
        self.assertNotIn("unsafe-inline", header, url)
        self.assertNotIn("unsafe-eval", header, url)
        self.assertEqual(policy["frame-ancestors"], ["'none'"], url)
        self.assertEqual(policy["object-src"], ["'none'"], url)

    def assert_page_needs_nothing_inline(self, response, url):
        html = response.content.decode()
        self.assertIsNone(INLINE_SCRIPT.search(html), f"{url}: inline script")
        self.assertIsNone(HANDLER.search(html), f"{url}: event-handler attribute")
        self.assertIsNone(STYLE.search(html), f"{url}: inline style")

    def test_every_page_carries_the_policy_and_needs_nothing_inline(self):
        inc = IncidentFactory(caller=self.cast.requester)
        pages = {
            None: ["/login/"],
            self.cast.agent: ["/incidents/queue/mine/", "/incidents/", f"/incidents/{inc.number}/",
                              "/incidents/new/", "/incidents/?q=printer", "/search/?q=printer",
                              "/notifications/", "/api/v1/docs", "/no-such-page/"],
            self.cast.requester: ["/portal/", f"/portal/tickets/{inc.number}/", "/portal/report/"],
            self.cast.admin: ["/admin/", "/admin/incidents/incident/"],
        }
        checked = 0
        for user, urls in pages.items():
            self.client.logout()
            if user is not None:
                self.client.force_login(user)
            for url in urls:
                with self.subTest(url=url):
                    r = self.client.get(url)
                    self.assertEqual(r.status_code, 404 if "no-such" in url else 200, url)
                    self.assert_policy(r, url)
                    self.assert_page_needs_nothing_inline(r, url)
                    checked += 1
        self.assertEqual(checked, 15)

    def test_api_answers_carry_the_policy(self):
        token = {"HTTP_AUTHORIZATION": f"Bearer {self.cast.tokens['agent']}"}
        for url, status in (("/api/v1/incidents", 200), ("/api/v1/openapi.json", 200),
                            ("/api/v1/incidents/INC9999999", 404), ("/api/v1/nowhere", 404)):
            with self.subTest(url=url):
                r = self.client.get(url, **token)
                self.assertEqual(r.status_code, status)
                self.assert_policy(r, url)
        r = self.client.post("/api/v1/incidents", "{}", content_type="application/json")
        self.assertEqual(r.status_code, 401)
        self.assert_policy(r, "401")
