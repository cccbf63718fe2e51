"""The pages: the incident page shows each timer and how it counted; the
compliance report (table, chart data, CSV) is for the support staff."""

import pytest

from servista.core import clock
from servista.incidents import services as incidents

from .helpers import agreement, log_p2, office_calendar, rome

pytestmark = pytest.mark.django_db


def test_the_incident_page_shows_each_timer_and_its_intervals(client, cast):
    agreement(office_calendar(cast.admin),
              targets=(("first_response", None, 30), ("resolution", 2, 60)))
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    with clock.at(rome(2026, 3, 9, 9, 10)):
        incidents.put_on_hold(inc, cast.agent, hold_reason="awaiting_caller")
    client.force_login(cast.agent)
    page = client.get(inc.get_absolute_url()).content.decode()
    assert 'id="panel-sla-timers"' in page
    assert "Gold · First response" in page and "Gold · Resolution" in page
    assert "paused: state on_hold, hold_reason awaiting_caller" in page
    assert "sla-status-paused" in page and "sla-status-met" in page


def test_a_record_without_timers_has_no_panel(client, cast):
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    client.force_login(cast.agent)
    assert 'id="panel-sla-timers"' not in client.get(inc.get_absolute_url()).content.decode()


def test_the_compliance_page_for_staff_with_csv_and_refused_to_requesters(client, cast):
    agreement(office_calendar(cast.admin), targets=(("resolution", 2, 60),))
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    with clock.at(rome(2026, 3, 9, 9, 30)):
        incidents.resolve(inc, cast.agent, resolution_code="solved_remotely",
                          resolution_notes="Fixed")
    client.force_login(cast.manager)
    page = client.get("/service-levels/compliance/?by=priority")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="compliance-table"' in body and "vendor/echarts/echarts.min.js" in body
    assert '"percent_met": [100.0]' in body
    csv_text = client.get("/service-levels/compliance/?by=priority&format=csv").content.decode()
    assert csv_text.splitlines() == ["priority,total,met,breached,percent_met,"
                                     "mean_first_response_minutes,mean_resolve_minutes",
                                     "2,1,1,0,100.0,,30.0"]
    assert client.get("/service-levels/compliance/?by=colour").status_code == 422
    client.force_login(cast.requester)
    assert client.get("/service-levels/compliance/").status_code == 403


def test_the_incident_list_shows_time_left_and_the_due_soonest_queue_orders_by_it(client, cast):
    from datetime import timedelta

    from django.utils import timezone

    agreement(None, targets=(("resolution", None, 600),))
    now = timezone.now()
    late = log_p2(cast, now - timedelta(hours=5))   # due in 5 hours
    soon = log_p2(cast, now - timedelta(hours=9))   # due in 1 hour
    none = log_p2(cast, now)
    with clock.at(now):
        incidents.put_on_hold(none, cast.agent, hold_reason="awaiting_caller")
    client.force_login(cast.agent)
    page = client.get("/incidents/queue/due/").content.decode()
    assert page.index(soon.number) < page.index(late.number)
    assert none.number not in page
    listing = client.get("/incidents/?sort=sla_due_at").content.decode()
    assert "Time left" in listing
    assert listing.index(soon.number) < listing.index(late.number) < listing.index(none.number)
    assert "breached" not in listing
