"""The service desk dashboard: open incidents by priority, group and age;
created and resolved per day; first-contact resolution and reassignment
rates; open major incidents. The same figures on the page (charts with
their tables) and in the API; each figure's link lists exactly the
incidents it counts; the queries do not grow with the incidents; support
staff with nothing assigned land on it."""

import re
from datetime import timedelta

from servista.core import clock
from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase


class DeskDashboardTest(ServistaTestCase):
    def setUp(self):
        super().setUp()
        c = self.cast
        now = clock.now()
        with clock.at(now - timedelta(days=10)):
            self.old = IncidentFactory(caller=c.requester, opened_by=c.agent, impact=1,
                                       urgency=1, assignment_group=c.service_desk)
        with clock.at(now - timedelta(days=2)):
            self.middle = IncidentFactory(caller=c.requester, opened_by=c.agent,
                                          assignment_group=c.network)
        self.fresh = IncidentFactory(caller=c.requester, impact=2, urgency=1)
        # Resolved today: one at first contact, one after a reassignment.
        self.first = IncidentFactory(caller=c.requester, opened_by=c.agent,
                                     assignment_group=c.service_desk, assigned_to=c.agent)
        services.resolve(self.first, c.agent, resolution_code="solved_remotely",
                         resolution_notes="Reset the password")
        self.moved = IncidentFactory(caller=c.requester, opened_by=c.agent,
                                     assignment_group=c.service_desk)
        services.assign(self.moved, c.agent, assignment_group=c.network)
        self.moved.refresh_from_db()
        services.resolve(self.moved, c.agent2, resolution_code="solved_remotely",
                         resolution_notes="New port")
        self.major = IncidentFactory(caller=c.requester, opened_by=c.agent,
                                     assignment_group=c.service_desk)
        services.promote_major(self.major, c.manager, manager=c.manager, reason="Whole floor")

    def figures(self, user=None, **params):
        r = self.api("GET", "/api/v1/incident-dashboard", user or self.cast.agent, params)
        self.assertStatus(r, 200)
        return r.data

    def listed(self, url):
        """The numbers the incident list at ``url`` shows."""
        self.client.force_login(self.cast.agent)
        r = self.client.get(f"{url}&per_page=200")
        self.assertEqual(r.status_code, 200)
        return set(re.findall(r'data-number="(INC\d+)"', r.content.decode()))

    def test_figures_count_what_their_lists_show(self):
        data = self.figures()
        open_numbers = {self.old.number, self.middle.number, self.fresh.number,
                        self.major.number}
        self.assertEqual(data["open_total"], 4)
        by_priority = {row["priority"]: row["count"] for row in data["open_by_priority"]}
        self.assertEqual(by_priority[1], 2)  # the old one and the major incident
        self.assertEqual(sum(by_priority.values()), 4)
        for row in data["open_by_priority"]:
            self.assertEqual(len(self.listed(row["url"])), row["count"], row)
        groups = {row["name"]: row["count"] for row in data["open_by_group"]}
        self.assertEqual(groups, {"Service Desk": 3, "Network": 1})  # the desk by default
        for row in data["open_by_group"]:
            self.assertEqual(len(self.listed(row["url"])), row["count"], row)
        ages = {row["bucket"]: row["count"] for row in data["aging"]}
        self.assertEqual(ages, {"under_1d": 2, "1_to_3d": 1, "3_to_7d": 0, "7_to_30d": 1,
                                "over_30d": 0})
        listed_by_age = set()
        for row in data["aging"]:
            found = self.listed(row["url"])
            self.assertEqual(len(found), row["count"], row)
            listed_by_age |= found
        self.assertEqual(listed_by_age, open_numbers)

    def test_trend_and_rates_over_the_period(self):
        data = self.figures(days=7)
        self.assertEqual(data["days"], 7)
        self.assertEqual(len(data["trend"]), 7)
        today = data["trend"][-1]
        self.assertEqual(today["day"], clock.now().date().isoformat())
        self.assertEqual(today["created"], 4)  # the fresh, the two resolved, the major
        self.assertEqual(today["resolved"], 2)
        self.assertEqual(sum(day["created"] for day in data["trend"]), 5)  # + the middle one
        self.assertEqual(self.listed(today["resolved_url"]), {self.first.number,
                                                              self.moved.number})
        self.assertEqual(len(self.listed(today["created_url"])), 4)
        fcr = data["first_contact_resolution"]
        self.assertEqual((fcr["resolved"], fcr["count"], fcr["rate"]), (2, 1, 0.5))
        self.assertEqual(self.listed(fcr["url"]), {self.first.number})
        moved = data["reassignment"]
        self.assertEqual((moved["count"], moved["rate"]), (1, 0.5))
        self.assertEqual(self.listed(moved["url"]), {self.moved.number})
        major = data["major_backlog"]
        self.assertEqual(major["count"], 1)
        self.assertEqual([row["number"] for row in major["incidents"]], [self.major.number])
        self.assertEqual(self.listed(major["url"]), {self.major.number})

    def test_refusals(self):
        for days in ("0", "91", "x", "1.5"):
            r = self.api("GET", "/api/v1/incident-dashboard", self.cast.agent, {"days": days})
            self.assertStatus(r, 422)
            self.assertIn("days", r.data["errors"])
        r = self.api("GET", "/api/v1/incident-dashboard", self.cast.agent, {"dayz": "7"})
        self.assertStatus(r, 422)
        self.assertIn("dayz", r.data["errors"])
        self.assertStatus(self.api("GET", "/api/v1/incident-dashboard", self.cast.requester), 403)
        self.assertStatus(self.api("GET", "/api/v1/incident-dashboard"), 401)
        self.client.force_login(self.cast.requester)
        self.assertEqual(self.client.get("/dashboard/").status_code, 403)

    def test_the_page_draws_each_chart_with_its_table_of_links(self):
        self.client.force_login(self.cast.manager)
        r = self.client.get("/dashboard/", {"days": 30})
        self.assertEqual(r.status_code, 200)
        for key in ("priority", "groups", "aging", "trend"):
            self.assertContains(r, f'data-chart="chart-{key}-data"')
            self.assertContains(r, f'id="chart-{key}-data"')
            self.assertContains(r, f'id="table-{key}"')
        self.assertContains(r, "vendor/echarts/echarts.min.js")
        self.assertContains(r, "last 30 days")
        self.assertContains(r, f'href="{self.major.get_absolute_url()}"')
        self.assertContains(r, "50%")  # first-contact resolution
        # A period that is not offered falls back to two weeks.
        self.assertContains(self.client.get("/dashboard/", {"days": "1000"}), "last 14 days")

    def test_queries_do_not_grow_with_the_incidents(self):
        self.client.force_login(self.cast.agent)

        def count():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get("/dashboard/").status_code, 200)
            return len(ctx.captured_queries)

        few = count()
        for i in range(6):
            inc = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                                  assignment_group=self.cast.network)
            services.promote_major(inc, self.cast.manager, manager=self.cast.manager,
                                   reason=f"Outage {i}")
        self.assertEqual(count(), few)

    def test_support_staff_with_nothing_assigned_land_on_it(self):
        self.client.force_login(self.cast.manager)
        self.assertRedirects(self.client.get("/"), "/dashboard/", fetch_redirect_response=False)
        self.client.force_login(self.cast.agent)
        IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent,
                        assignment_group=self.cast.service_desk, assigned_to=self.cast.agent)
        self.assertRedirects(self.client.get("/"), "/incidents/queue/mine/",
                             fetch_redirect_response=False)
        self.client.force_login(self.cast.requester)
        self.assertRedirects(self.client.get("/"), "/portal/", fetch_redirect_response=False)
