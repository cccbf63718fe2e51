"""An agreement's target without a calendar of its own counts in the
agreement's calendar; without one, an OLA counts in its group's working
hours and an SLA for a service in the service's hours; without those,
round the clock. The hours are set through the API by service level
managers, and read from memory in the recompute loops."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servista.catalog.models import Service
from servista.sla import services
from servista.sla.models import GroupHours, ServiceHours

from .helpers import agreement, log_p2, office_calendar, rome, timer

pytestmark = pytest.mark.django_db

MORNINGS = {day: [["08:00", "12:00"]] for day in range(5)}


def test_an_ola_timer_counts_only_its_group_s_working_hours(cast):
    services.set_group_hours(cast.network, cast.admin, office_calendar(cast.admin))
    agreement(None, name="Network OLA", kind="ola", group=cast.network,
              targets=(("resolution", None, 2 * 60),))
    inc = log_p2(cast, rome(2026, 3, 9, 16), assignment_group=cast.network)
    # Monday 16:00 + 2 working hours of 09:00–17:00 = Tuesday 10:00.
    assert timer(inc, agreement_name="Network OLA").due_at == rome(2026, 3, 10, 10)


def test_an_sla_for_a_service_counts_in_the_service_s_hours(cast):
    email = Service.objects.create(name="Email")
    services.set_service_hours(email, cast.admin,
                               office_calendar(cast.admin, name="Mornings", hours=MORNINGS))
    agreement(None, name="Email SLA", service=email, targets=(("resolution", 2, 2 * 60),))
    inc = log_p2(cast, rome(2026, 3, 9, 11), service=email)
    # Monday 11:00 + 2 hours of 08:00–12:00 = Tuesday 09:00.
    assert timer(inc).due_at == rome(2026, 3, 10, 9)


def test_the_agreement_s_calendar_comes_before_the_group_s_hours(cast):
    services.set_group_hours(cast.network, cast.admin,
                             office_calendar(cast.admin, name="Mornings", hours=MORNINGS))
    agreement(office_calendar(cast.admin), name="Network OLA", kind="ola",
              group=cast.network, targets=(("resolution", None, 2 * 60),))
    inc = log_p2(cast, rome(2026, 3, 9, 16), assignment_group=cast.network)
    assert timer(inc).due_at == rome(2026, 3, 10, 10)


def test_without_any_hours_the_clock_runs_round_the_clock(cast):
    agreement(None, name="Network OLA", kind="ola", group=cast.network,
              targets=(("resolution", None, 2 * 60),))
    inc = log_p2(cast, rome(2026, 3, 9, 16), assignment_group=cast.network)
    assert timer(inc).due_at == rome(2026, 3, 9, 18)


def test_calendar_of_reads_no_row_once_the_hours_are_known(cast):
    email = Service.objects.create(name="Email")
    services.set_group_hours(cast.network, cast.admin, office_calendar(cast.admin))
    services.set_service_hours(email, cast.admin, office_calendar(cast.admin, name="Other"))
    ola = agreement(None, name="OLA", kind="ola", group=cast.network)
    sla = agreement(None, name="SLA", service=email)
    pairs = [(a, a.targets.get()) for a in (ola, sla)]
    services.calendar_of(*pairs[0])  # warms the cache
    with CaptureQueriesContext(connection) as queries:
        found = [services.calendar_of(a, t).name for a, t in pairs * 50]
    assert found[:2] == ["Rome office", "Other"]
    assert len(queries) == 0


def call(client, cast, who, method, url, body=None):
    return getattr(client, method)(url, body, content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {cast.tokens[who]}")


def test_a_group_s_hours_are_set_through_the_api_by_administrators_only(client, cast):
    cal = office_calendar(cast.admin)
    refused = call(client, cast, "manager", "post", "/api/v1/group-hours",
                   {"group": "Network", "calendar": cal.name})
    assert refused.status_code == 403 and not GroupHours.objects.exists()
    made = call(client, cast, "admin", "post", "/api/v1/group-hours",
                {"group": "Network", "calendar": cal.name})
    assert made.status_code == 201, made.content
    assert made.json()["calendar"]["id"] == cal.pk
    again = call(client, cast, "admin", "post", "/api/v1/group-hours",
                 {"group": "Network", "calendar": cal.name})
    assert again.status_code == 422 and "group" in again.json()["errors"]
    other = office_calendar(cast.admin, name="Mornings", hours=MORNINGS)
    changed = call(client, cast, "admin", "patch", f"/api/v1/group-hours/{made.json()['id']}",
                   {"calendar": other.pk})
    assert changed.status_code == 200 and GroupHours.objects.get().calendar == other
    assert services.hours_of(cast.network) == other


def test_a_service_s_hours_are_set_through_the_api(client, cast):
    email = Service.objects.create(name="Email")
    cal = office_calendar(cast.admin)
    made = call(client, cast, "admin", "post", "/api/v1/service-hours",
                {"service": "Email", "calendar": cal.pk})
    assert made.status_code == 201, made.content
    assert ServiceHours.objects.get().service == email
    listed = call(client, cast, "agent", "get", "/api/v1/service-hours").json()
    assert [i["service"]["id"] for i in listed["items"]] == [email.pk]
    bad = call(client, cast, "admin", "post", "/api/v1/service-hours",
               {"service": "Email", "calendar": "Atlantis"})
    assert bad.status_code == 422 and "calendar" in bad.json()["errors"]
