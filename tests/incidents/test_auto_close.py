"""Automatic closure: time arithmetic checked over many resolution ages."""

from datetime import UTC, datetime, timedelta
from unittest import mock

from django.conf import settings
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from servista.incidents import services
from servista.incidents.factories import IncidentFactory
from servista.testing import make_cast

DAYS = settings.SERVISTA["INCIDENT_AUTO_CLOSE_DAYS"]


class AutoCloseTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    @hsettings(max_examples=30, deadline=None)
    @given(age=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3 * DAYS)),
           now=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31),
                            timezones=st.just(UTC)))
    def test_closed_exactly_when_resolved_long_enough_ago(self, age, now):
        resolved_at = now - age
        with mock.patch("django.utils.timezone.now", return_value=resolved_at):
            inc = IncidentFactory(caller=self.cast.requester)
            services.resolve(inc, self.cast.agent, resolution_code="solved_remotely",
                             resolution_notes="Cleared the cache")
        closed = services.auto_close_due(now=now)
        inc.refresh_from_db()
        due = age >= timedelta(days=DAYS)
        self.assertEqual(inc.state == "closed", due, (age, now))
        self.assertEqual(closed, 1 if due else 0)
        if due:
            self.assertEqual(inc.closed_at, now)
