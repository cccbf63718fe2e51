"""Full-text search (core.search) through the incident lists: the same
answers on SQLite's FTS5 table and PostgreSQL's GIN index."""

from unittest import mock

from django.db import connection

from servista.core import search
from servista.incidents import services
from servista.incidents.models import Incident
from servista.testing import ServistaTestCase

API = "/api/v1/incidents"


class SearchData(ServistaTestCase):
    """Three incidents of two organizations."""

    def setUp(self):
        super().setUp()
        log = services.log_incident
        agent = self.cast.agent
        self.printer = log(agent, caller=self.cast.requester,
                           short_description="Printer queue stuck on floor 3",
                           description="Jobs from SAP wait forever.")
        self.vpn = log(agent, caller=self.cast.requester,
                       short_description="VPN drops every hour",
                       description="Client 10.2.3.4 loses the tunnel; error 'E-809'.")
        self.other_org = log(agent, caller=self.cast.requester_b,
                             short_description="Printer out of toner")



class SearchTest(SearchData):
    def numbers(self, user, q):
        r = self.api("GET", API, user, {"q": q, "limit": 50})
        self.assertStatus(r, 200)
        return {item["number"] for item in r.data["items"]}

    def test_words_are_prefixes_and_all_must_match(self):
        agent = self.cast.agent
        self.assertEqual(self.numbers(agent, "print"),
                         {self.printer.number, self.other_org.number})
        self.assertEqual(self.numbers(agent, "PRINTER queue"), {self.printer.number})
        self.assertEqual(self.numbers(agent, "printer hour"), set())
        # The description is searched too, and punctuation does not get in the way.
        self.assertEqual(self.numbers(agent, "sap"), {self.printer.number})
        self.assertEqual(self.numbers(agent, "10.2.3.4"), {self.vpn.number})
        self.assertEqual(self.numbers(agent, "E-809"), {self.vpn.number})

    def test_number_finds_its_record(self):
        self.assertEqual(self.numbers(self.cast.agent, self.vpn.number.lower()),
                         {self.vpn.number})
        digits = str(int(self.vpn.number[3:]))  # INC0001002 -> "1002"
        self.assertEqual(self.numbers(self.cast.agent, digits), {self.vpn.number})
        # Digits that are no record's number are searched as words.
        self.assertEqual(self.numbers(self.cast.agent, "10"), {self.vpn.number})
        # ... and a record out of reach is not found by its number either.
        self.assertEqual(self.numbers(self.cast.requester_b, digits), set())

    def test_query_syntax_is_text(self):
        """Operators of either engine's query language are only text."""
        for q in ['"', "'", "printer & !queue", "a:* | b", "NEAR(printer queue)", "*", "\\",
                  "printer'); DROP TABLE x; --", "-printer", "((("]:
            with self.subTest(q=q):
                r = self.api("GET", API, self.cast.agent, {"q": q})
                self.assertStatus(r, 200)
        self.assertEqual(self.numbers(self.cast.agent, "!!! ???"), set())
        self.assertEqual(self.numbers(self.cast.agent, "printer & queue"),
                         {self.printer.number})

    def test_changes_are_searchable_at_once(self):
        services.update_incident(self.vpn, self.cast.agent,
                                 {"short_description": "Tunnel flaps on Wi-Fi"})
        self.assertEqual(self.numbers(self.cast.agent, "tunnel flaps"), {self.vpn.number})
        self.assertEqual(self.numbers(self.cast.agent, "drops"), set())

    def test_search_keeps_permissions(self):
        self.assertEqual(self.numbers(self.cast.requester, "printer"), {self.printer.number})
        self.assertEqual(self.numbers(self.cast.requester_b, "printer"),
                         {self.other_org.number})

    def test_workspace_list_searches(self):
        self.client.force_login(self.cast.agent)
        r = self.client.get("/incidents/", {"q": "queue stuck"})
        self.assertContains(r, self.printer.number)
        self.assertNotContains(r, self.vpn.number)

    def test_search_uses_the_index(self):
        """The plan reads the full-text index, not every row."""
        qs = Incident.objects.filter(search.matches(Incident, "printer"))
        self.assertEqual(set(qs.values_list("number", flat=True)),
                         {self.printer.number, self.other_org.number})
        with connection.cursor() as cursor:
            sql, params = qs.query.sql_with_params()
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                self.assertIn("incidents_incident_search", plan)  # the GIN index
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = "\n".join(str(row) for row in cursor.fetchall())
                self.assertIn("VIRTUAL TABLE INDEX", plan)

    def test_both_plans_find_the_same(self):
        """PostgreSQL filters common words in place and collects rare ones
        from the index first; either way the answer is the same."""
        expected = {"printer": {self.printer.number, self.other_org.number},
                    "printer queue": {self.printer.number}, "zzz": set()}
        for factor in (0, 10**9):
            with self.subTest(factor=factor), mock.patch.object(search, "FENCE_FACTOR", factor):
                for q, numbers in expected.items():
                    found = Incident.objects.filter(search.matches(Incident, q))
                    self.assertEqual(set(found.values_list("number", flat=True)), numbers)


class BulkLoadSearchTest(ServistaTestCase):
    def test_large_loads_rebuild_the_index_and_stay_searchable(self):
        from servista.core import demo
        from servista.incidents.demo import bulk

        context = demo.Context(seed=2, count=40)
        with mock.patch.object(bulk, "SUSPEND_INDEX_FROM", 1):
            demo.run(context, demo.REFERENCE, demo.BULK)
        self.assertEqual(Incident.objects.count(), 40)
        title = Incident.objects.order_by("-id").values_list("short_description", flat=True)[0]
        word = max(title.split(), key=len)
        self.assertTrue(Incident.objects.filter(search.matches(Incident, word)).exists())
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s",
                               ["incidents_incident_search"])
                self.assertIsNotNone(cursor.fetchone())


class SearchCountTest(SearchData):
    def test_search_results_count_exactly_only_up_to_the_search_limit(self):
        with mock.patch.object(search, "EXACT_COUNT_LIMIT", 1):
            r = self.api("GET", API, self.cast.agent, {"q": "printer"})
            plain = self.api("GET", API, self.cast.agent, {"state": "new"})
        self.assertStatus(r, 200)
        self.assertEqual(len(r.data["items"]), 2)
        # Past the limit: the planner's estimate on PostgreSQL, an exact count elsewhere.
        self.assertEqual(r.data["count_is_estimate"], connection.vendor == "postgresql")
        self.assertEqual((plain.data["count"], plain.data["count_is_estimate"]), (3, False))
