"""Search with stemming, ranking and highlighted snippets (core.search), the
same on SQLite's FTS5 table (Porter) and PostgreSQL's English index."""

from servista.core import search
from servista.incidents import services
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"


class StemmingTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        log = services.log_incident
        agent, caller = self.cast.agent, self.cast.requester
        self.printer = log(agent, caller=caller, short_description="Printer offline on floor 3")
        self.printing = log(agent, caller=caller, short_description="Cannot print the report",
                            description="Printing fails with a spooler error.")
        self.wifi = log(agent, caller=caller, short_description="Wi-Fi drops in meeting room 4B")
        self.dropping = log(agent, caller=caller, short_description="Calls keep dropping")

    def numbers(self, q):
        r = self.api("GET", API, self.cast.agent, {"q": q, "limit": 50})
        self.assertStatus(r, 200)
        return {item["number"] for item in r.data["items"]}

    def test_inflected_words_find_each_other(self):
        self.assertEqual(self.numbers("printing"), {self.printer.number, self.printing.number})
        self.assertEqual(self.numbers("printers"), {self.printer.number})
        self.assertEqual(self.numbers("drops"), {self.wifi.number, self.dropping.number})
        self.assertEqual(self.numbers("dropped calls"), {self.dropping.number})

    def test_hyphenated_words_and_short_codes(self):
        self.assertEqual(self.numbers("wi-fi 4B"), {self.wifi.number})
        self.assertEqual(self.numbers("wi-fi"), {self.wifi.number})
        # A word of one or two letters matches whole words only.
        self.assertEqual(self.numbers("ca"), set())
        self.assertEqual(self.numbers("cal"), {self.dropping.number})

    def test_ranked_best_first_with_escaped_highlights(self):
        hostile = services.log_incident(
            self.cast.agent, caller=self.cast.requester,
            short_description="Scanner <script>alert(1)</script> jams",
            description="<img src=x onerror=alert(2)> the printer next to it works")
        hits = search.ranked(Incident.objects.all(), "printer", limit=10)
        # In the title weighs more than in the description.
        self.assertEqual([h.object for h in hits], [self.printer, hostile])
        self.assertGreater(hits[0].score, hits[1].score)
        self.assertIn("<mark>Printer</mark>", str(hits[0].snippet))
        snippet = str(hits[1].snippet)
        self.assertIn("<mark>printer</mark>", snippet)
        self.assertNotIn("<script", snippet)
        self.assertNotIn("<img", snippet)
        self.assertIn("&lt;", snippet)

    def test_any_word_ranking_and_similarity_threshold(self):
        hits = search.ranked(Incident.objects.all(), "printing drops", any_word=True)
        self.assertEqual({h.object for h in hits},
                         {self.printer, self.printing, self.wifi, self.dropping})
        alike = search.similarity("the printer is offline again", hits,
                                  ("short_description", "description"))
        self.assertEqual(alike[0].object, self.printer)
        self.assertGreater(alike[0].similarity, alike[-1].similarity)
        self.assertEqual(search.ranked(Incident.objects.all(), "the of and", any_word=True), [])

    def test_tokens_are_stemmed_without_common_words(self):
        self.assertEqual(search.tokens("The printers were printing!"),
                         ["printer", "print"])


class SearchCountTest(ServistaTestCase):
    def test_a_search_expected_to_match_many_rows_is_not_counted(self):
        from unittest import mock

        from django.db import connection

        for i in range(3):
            services.log_incident(self.cast.agent, caller=self.cast.requester,
                                  short_description=f"Printer {i} offline")
        with mock.patch.object(search, "ESTIMATE_FROM", 1):
            r = self.api("GET", API, self.cast.agent, {"q": "printer"})
        self.assertStatus(r, 200)
        self.assertEqual(len(r.data["items"]), 3)
        # PostgreSQL answers with the planner's estimate; SQLite has none and counts.
        self.assertEqual(r.data["count_is_estimate"], connection.vendor == "postgresql")
        r = self.api("GET", API, self.cast.agent, {"q": "printer"})
        self.assertEqual((r.data["count"], r.data["count_is_estimate"]), (3, False))
