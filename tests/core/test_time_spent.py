"""Time spent per comment or work note: validated whole minutes (UI, API,
CLI), shown on the entry, summed per record (page and API, in the same
query as the record) and per agent over a period (managers: everyone's,
agents: their own)."""

from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servista.core import clock, time_spent
from servista.core.models import JournalEntry
from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.testing import ServistaTestCase, nothing_changed
from tests.practice.factories import ChoreFactory


class TimeSpentTestCase(ServistaTestCase):
    def setUp(self):
        super().setUp()
        c = self.cast
        self.incident = IncidentFactory(caller=c.requester)
        self.url = f"/api/v1/incidents/{self.incident.number}"


class LoggingTimeTest(TimeSpentTestCase):
    def test_the_api_logs_minutes_with_a_comment_and_a_work_note(self):
        c = self.cast
        r = self.api("POST", f"{self.url}/comments", c.agent,
                     {"body": "Called back", "time_spent": 15})
        self.assertStatus(r, 201)
        self.assertEqual(r.data["time_spent"], 15)
        r = self.api("POST", f"{self.url}/comments", c.agent,
                     {"body": "Checked logs", "kind": "work_note", "time_spent": 30.0})
        self.assertStatus(r, 201)
        r = self.api("GET", self.url, c.agent)
        self.assertEqual(r.data["time_spent"], 45)
        history = self.api("GET", f"{self.url}/journal", c.agent)
        self.assertEqual([e["time_spent"] for e in history.data if e["kind"] != "change"],
                         [15, 30])

    def test_bad_minutes_answer_422_naming_the_field_and_store_nothing(self):
        c = self.cast
        for bad in (0, -5, 1441, 1.5, "15", True):
            with self.subTest(bad=bad), nothing_changed(self.incident):
                r = self.api("POST", f"{self.url}/comments", c.agent,
                             {"body": "x", "time_spent": bad})
                self.assertStatus(r, 422)
                self.assertIn("time_spent", r.data["errors"])

    def test_the_service_refuses_bad_minutes_and_requesters_logging_time(self):
        c = self.cast
        for bad in (0, 1441, 2.5):
            with self.subTest(bad=bad), nothing_changed(self.incident):
                with self.assertRaises(Exception) as caught:
                    services.rules.work_note(self.incident, c.agent, "x", time_spent=bad)
                self.assertIn("time_spent", caught.exception.errors)
        with nothing_changed(self.incident):
            r = self.api("POST", f"{self.url}/comments", c.requester,
                         {"body": "I tried", "time_spent": 5})
        self.assertStatus(r, 403)

    def test_the_comment_box_logs_minutes_and_the_page_shows_them(self):
        self.client.force_login(self.cast.agent)
        url = self.incident.get_absolute_url()
        r = self.client.post(f"{url}comment/", {"body": "Fixed the mapping", "kind": "work_note",
                                                "time_spent": "90"})
        self.assertEqual(r.status_code, 302)
        page = self.client.get(url).content.decode()
        self.assertIn('id="field-time-spent">1 h 30 min<', page)
        self.assertIn('title="Time spent">1 h 30 min<', page)

    def test_the_comment_box_refuses_bad_minutes_with_a_form_error(self):
        self.client.force_login(self.cast.agent)
        url = self.incident.get_absolute_url()
        with nothing_changed(self.incident):
            r = self.client.post(f"{url}comment/", {"body": "x", "kind": "comment",
                                                    "time_spent": "2000"},
                                 HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, 'id="comment_time_spent_error"', status_code=422)

    def test_the_cli_logs_minutes_and_refuses_bad_ones(self):
        out = StringIO()
        call_command("incident", "comment", "--as", "alice", self.incident.number, "Done",
                     "--work-note", "--minutes", "20", stdout=out)
        self.assertEqual(time_spent.total(self.incident), 20)
        with nothing_changed(self.incident), self.assertRaises(CommandError) as caught:
            call_command("incident", "comment", "--as", "alice", self.incident.number, "x",
                         "--minutes", "0", stdout=out)
        self.assertIn("time_spent", str(caught.exception))

    def test_every_practice_gets_it(self):
        chore = ChoreFactory(opened_by=self.cast.agent)
        r = self.api("POST", f"/api/v1/chores/{chore.number}/comments", self.cast.agent,
                     {"body": "Half done", "kind": "work_note", "time_spent": 25})
        self.assertStatus(r, 201)
        self.assertEqual(self.api("GET", f"/api/v1/chores/{chore.number}",
                                  self.cast.agent).data["time_spent"], 25)


class RecordTotalsTest(TimeSpentTestCase):
    def test_the_list_sums_in_the_database_with_flat_query_counts(self):
        c = self.cast

        def list_queries():
            with CaptureQueriesContext(connection) as ctx:
                r = self.api("GET", "/api/v1/incidents", c.agent)
            self.assertStatus(r, 200)
            return len(ctx.captured_queries), r

        services.rules.work_note(self.incident, c.agent, "a", time_spent=10)
        list_queries()  # caches warmed (token, content types)
        before, _ = list_queries()
        for _ in range(4):
            inc = IncidentFactory(caller=c.requester)
            services.rules.work_note(inc, c.agent, "b", time_spent=5)
            services.rules.comment(inc, c.agent, "c", time_spent=7)
        after, r = list_queries()
        self.assertEqual(before, after)
        totals = {item["number"]: item["time_spent"] for item in r.data["items"]}
        self.assertEqual(totals[self.incident.number], 10)
        self.assertEqual(sorted(totals.values()), [10, 12, 12, 12, 12])

    def test_a_new_record_answers_zero(self):
        r = self.api("POST", "/api/v1/incidents", self.cast.agent,
                     {"short_description": "New", "caller": "rita"})
        self.assertStatus(r, 201)
        self.assertEqual(r.data["time_spent"], 0)


class PerAgentTest(TimeSpentTestCase):
    def setUp(self):
        super().setUp()
        c = self.cast
        services.rules.work_note(self.incident, c.agent, "a", time_spent=30)
        services.rules.comment(self.incident, c.agent, "b", time_spent=15)
        services.rules.work_note(self.incident, c.agent2, "c", time_spent=60)
        services.rules.work_note(self.incident, c.agent2, "no time")
        old = JournalEntry.objects.filter(time_spent=60).get()
        # Last week's entry (the journal is append-only: set it at the source).
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {JournalEntry._meta.db_table} SET created_at = %s "
                           "WHERE id = %s", [clock.now() - timedelta(days=7), old.pk])

    def test_a_manager_sees_everyones_time_over_a_period(self):
        r = self.api("GET", "/api/v1/time-spent", self.cast.manager)
        self.assertStatus(r, 200)
        self.assertEqual([(i["agent"]["username"], i["minutes"], i["entries"])
                          for i in r.data["items"]], [("nick", 60, 1), ("alice", 45, 2)])
        self.assertEqual(r.data["minutes"], 105)
        since = (clock.now() - timedelta(days=1)).isoformat()
        r = self.api("GET", "/api/v1/time-spent", self.cast.manager, {"since": since})
        self.assertEqual([(i["agent"]["username"], i["minutes"]) for i in r.data["items"]],
                         [("alice", 45)])
        r = self.api("GET", "/api/v1/time-spent", self.cast.manager, {"agent": "nick"})
        self.assertEqual([i["minutes"] for i in r.data["items"]], [60])

    def test_an_agent_sees_their_own_only(self):
        r = self.api("GET", "/api/v1/time-spent", self.cast.agent)
        self.assertStatus(r, 200)
        self.assertEqual([(i["agent"]["username"], i["minutes"]) for i in r.data["items"]],
                         [("alice", 45)])
        self.assertStatus(self.api("GET", "/api/v1/time-spent", self.cast.agent,
                                   {"agent": "alice"}), 200)
        self.assertStatus(self.api("GET", "/api/v1/time-spent", self.cast.agent,
                                   {"agent": "nick"}), 403)

    def test_a_requester_sees_none(self):
        self.assertStatus(self.api("GET", "/api/v1/time-spent", self.cast.requester), 403)

    def test_bad_periods_and_unknown_agents_name_the_field(self):
        now = clock.now()
        r = self.api("GET", "/api/v1/time-spent", self.cast.manager,
                     {"since": now.isoformat(), "until": (now - timedelta(hours=1)).isoformat()})
        self.assertStatus(r, 422)
        self.assertIn("until", r.data["errors"])
        r = self.api("GET", "/api/v1/time-spent", self.cast.manager, {"agent": "nobody"})
        self.assertStatus(r, 422)
        self.assertIn("agent", r.data["errors"])
        r = self.api("GET", "/api/v1/time-spent", self.cast.manager, {"since": "yesterday"})
        self.assertStatus(r, 422)

    def test_the_sum_is_one_query_whatever_the_entries(self):
        with CaptureQueriesContext(connection) as ctx:
            rows = time_spent.per_agent(self.cast.manager)
        self.assertEqual(len(rows), 2)
        self.assertLessEqual(len(ctx.captured_queries), 2)  # the sums, then the people
