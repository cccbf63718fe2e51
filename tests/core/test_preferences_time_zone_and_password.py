"""Preferences that change what a person sees and does: dates and times in
their own time zone on every page; changing their own password in the app
(the current one first, the site's password rules), refused without change
when wrong."""

from datetime import UTC, datetime

from servista.core import clock, personal
from servista.incidents.factories import IncidentFactory
from servista.testing import PASSWORD, ServistaTestCase


class TimeZoneTest(ServistaTestCase):
    def test_times_are_shown_in_the_chosen_zone(self):
        with clock.at(datetime(2026, 1, 15, 12, 0, tzinfo=UTC)):
            inc = IncidentFactory(caller=self.cast.requester, opened_by=self.cast.agent)
        self.client.force_login(self.cast.agent)
        personal.update_preference(self.cast.agent, time_zone="UTC")
        page = self.client.get("/incidents/").content.decode()
        self.assertIn("2026-01-15 12:00", page)
        personal.update_preference(self.cast.agent, time_zone="Asia/Tokyo")
        page = self.client.get("/incidents/").content.decode()
        self.assertIn("2026-01-15 21:00", page)
        self.assertNotIn("2026-01-15 12:00", page)
        # Another person, without a choice, keeps the server's zone.
        self.client.force_login(self.cast.manager)
        self.assertNotIn("2026-01-15 21:00", self.client.get("/incidents/").content.decode())
        self.assertTrue(inc.pk)


class PasswordChangeTest(ServistaTestCase):
    def test_change_ones_own_password(self):
        agent = self.cast.agent
        self.client.force_login(agent)
        self.assertContains(self.client.get("/preferences/"), 'href="/preferences/password/"')
        page = self.client.get("/preferences/password/")
        self.assertContains(page, 'id="id_old_password"')
        r = self.client.post("/preferences/password/", {
            "old_password": PASSWORD, "new_password1": "Correct horse battery 77",
            "new_password2": "Correct horse battery 77"})
        self.assertRedirects(r, "/preferences/", fetch_redirect_response=False)
        agent.refresh_from_db()
        self.assertTrue(agent.check_password("Correct horse battery 77"))
        # Still signed in in this session.
        self.assertEqual(self.client.get("/preferences/").status_code, 200)

    def test_a_wrong_current_password_or_a_weak_one_changes_nothing(self):
        agent = self.cast.agent
        self.client.force_login(agent)
        for data, field in (({"old_password": "not it", "new_password1": "Correct horse 77b",
                              "new_password2": "Correct horse 77b"}, "old_password"),
                            ({"old_password": PASSWORD, "new_password1": "123",
                              "new_password2": "123"}, "new_password2"),
                            ({"old_password": PASSWORD, "new_password1": "Correct horse 77b",
                              "new_password2": "Another horse 77b"}, "new_password2")):
            r = self.client.post("/preferences/password/", data)
            self.assertEqual(r.status_code, 422)
            self.assertContains(r, f'id="id_{field}_error"', status_code=422)
        agent.refresh_from_db()
        self.assertTrue(agent.check_password(PASSWORD))

    def test_signed_out_people_are_sent_to_sign_in(self):
        r = self.client.get("/preferences/password/")
        self.assertEqual(r.status_code, 302)
        self.assertIn("/login/", r["Location"])
