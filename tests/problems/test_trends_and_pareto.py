"""Trend and Pareto analysis of incidents over a period, through the API and
the analysis page (the charts' data as escaped JSON, the same figures in
tables)."""

from datetime import timedelta

from servista.cmdb.factories import ConfigurationItemFactory
from servista.core import clock
from servista.incidents.factories import CategoryFactory, IncidentFactory
from servista.testing import ServistaTestCase


class AnalysisTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        self.network = CategoryFactory(name="Network")
        self.hardware = CategoryFactory(name="Hardware")
        self.odd = CategoryFactory(name="</script><script>alert(1)</script>")
        for category, count in ((self.network, 6), (self.hardware, 3), (self.odd, 1)):
            for _ in range(count):
                IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                category=category)
        with clock.at(clock.now() - timedelta(days=200)):
            IncidentFactory(caller=self.cast.requester, category=self.hardware)

    def test_pareto_counts_shares_and_the_vital_few(self):
        r = self.api("GET", "/api/v1/incident-pareto", self.cast.agent,
                     {"dimension": "category"})
        self.assertStatus(r, 200)
        rows = [(row["label"], row["count"], row["cumulative"], row["vital"])
                for row in r.data["rows"]]
        self.assertEqual(rows, [("Network", 6, 60.0, True), ("Hardware", 3, 90.0, True),
                                (self.odd.name, 1, 100.0, False)])
        self.assertEqual(r.data["total"], 10)

    def test_trend_per_week_and_refusals(self):
        r = self.api("GET", "/api/v1/incident-trends", self.cast.agent,
                     {"dimension": "category", "interval": "week"})
        self.assertStatus(r, 200)
        totals = {s["label"]: sum(s["data"]) for s in r.data["series"]}
        self.assertEqual(totals["Network"], 6)
        self.assertEqual(sum(totals.values()), 10)
        for params, field in (({"dimension": "colour"}, "dimension"),
                              ({"interval": "hour"}, "interval"),
                              ({"since": "2026-01-01T00:00:00Z",
                                "until": "2025-01-01T00:00:00Z"}, "since")):
            r = self.api("GET", "/api/v1/incident-trends", self.cast.agent, params)
            self.assertStatus(r, 422)
            self.assertIn(field, r.data["errors"])
        self.assertStatus(self.api("GET", "/api/v1/incident-pareto", self.cast.requester), 403)

    def test_the_page_charts_and_tables(self):
        ConfigurationItemFactory(name="sw-1")
        self.client.force_login(self.cast.agent)
        r = self.client.get("/problems/analysis/", {"dimension": "category"})
        self.assertContains(r, 'id="analysis-data"')
        self.assertContains(r, "vendor/echarts/echarts.min.js")
        self.assertContains(r, "<td>Network</td>")
        self.assertNotContains(r, "<script>alert(1)</script>")
        self.assertContains(r, "\\u003C/script\\u003E")  # escaped inside the JSON block
        r = self.client.get("/problems/analysis/", {"dimension": "colour"})
        self.assertEqual(r.status_code, 422)
        self.client.force_login(self.cast.requester)
        self.assertEqual(self.client.get("/problems/analysis/").status_code, 403)
