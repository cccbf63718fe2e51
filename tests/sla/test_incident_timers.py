"""Timers on incidents: the acceptance examples (due times in a Rome
office calendar, holds moving the due time, a target changed while
paused) and, one test each, the failures SLA tools are known for."""

from datetime import date, timedelta

import pytest

from servista.core import clock
from servista.core.journal import JournalEntry
from servista.incidents import services as incidents
from servista.sla import services
from servista.sla.models import Target, TimerEvent

from .helpers import SPLIT, agreement, log_p2, office_calendar, rome, timer

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def notes_of(record):
    return [e.body for e in JournalEntry.objects.for_record(record).filter(kind="work_note")]


def stored_equals_recomputed(record, now):
    live = {t.pk: (t.status, t.elapsed, t.paused, t.due_at, t.breached_at)
            for t in services.timers_of(record)}
    with clock.at(now):
        services.recompute(record, now=now)
    again = {t.pk: (t.status, t.elapsed, t.paused, t.due_at, t.breached_at)
             for t in services.timers_of(record)}
    return live == again


def test_a_p2_opened_friday_afternoon_is_due_monday_afternoon(cast):
    agreement(office_calendar(cast.admin))
    inc = log_p2(cast, rome(2026, 3, 6, 16))
    assert inc.priority == 2
    t = timer(inc)
    assert t.due_at == rome(2026, 3, 9, 16)
    assert t.status == "in_progress"


def test_with_that_monday_a_holiday_it_is_due_tuesday(cast):
    cal = office_calendar(cast.admin)
    services.add_holiday(cal, cast.admin, date(2026, 3, 9), "Local feast")
    agreement(cal)
    inc = log_p2(cast, rome(2026, 3, 6, 16))
    assert timer(inc).due_at == rome(2026, 3, 10, 16)


def test_across_the_dst_change_it_is_still_due_at_four_local(cast):
    agreement(office_calendar(cast.admin))
    inc = log_p2(cast, rome(2026, 3, 27, 16))  # clocks go forward on the Sunday
    assert timer(inc).due_at.astimezone(rome(2026, 1, 1).tzinfo).hour == 16
    assert timer(inc).due_at == rome(2026, 3, 30, 16)


def test_generated_public_holidays_move_the_due_time(cast):
    cal = office_calendar(cast.admin)
    cal.country = "IT"
    cal.save()
    assert services.generate_holidays(cal, cast.admin, [2026]) >= 10
    agreement(cal)
    inc = log_p2(cast, rome(2026, 4, 3, 16))  # Easter Monday, 6 April 2026, is off in Italy
    assert timer(inc).due_at == rome(2026, 4, 7, 16)


def test_on_hold_for_two_business_hours_moves_the_due_time_by_two_hours(cast):
    agreement(office_calendar(cast.admin))
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    assert timer(inc).due_at == rome(2026, 3, 9, 17)
    with clock.at(rome(2026, 3, 9, 10)):
        incidents.put_on_hold(inc, cast.agent, hold_reason="awaiting_caller")
    assert timer(inc).status == "paused"
    assert timer(inc).next_event_at is None
    with clock.at(rome(2026, 3, 9, 12)):
        incidents.reopen(inc, cast.agent)
    t = timer(inc)
    assert t.status == "in_progress"
    assert t.paused == 2 * H and t.elapsed == H
    assert t.due_at == rome(2026, 3, 10, 11)  # 17:00 + 2 business hours
    notes = notes_of(inc)
    assert any("paused after 1h00" in n for n in notes)
    assert any("resumed" in n for n in notes)


def test_changing_the_target_while_paused_keeps_the_paused_time(cast):
    agr = agreement(office_calendar(cast.admin))
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    with clock.at(rome(2026, 3, 9, 10)):
        incidents.put_on_hold(inc, cast.agent, hold_reason="awaiting_caller")
    target = Target.objects.get(agreement=agr)
    target.minutes = 4 * 60
    target.save()
    now = rome(2026, 3, 9, 15)
    services.recompute(inc, now=now)
    t = timer(inc)
    assert (t.status, t.elapsed, t.paused, t.target_duration) == ("paused", H, 5 * H, 4 * H)
    assert stored_equals_recomputed(inc, now)
    with clock.at(rome(2026, 3, 10, 9)):
        incidents.reopen(inc, cast.agent)
    t = timer(inc)
    assert t.paused == 7 * H and t.due_at == rome(2026, 3, 10, 12)
    assert stored_equals_recomputed(inc, rome(2026, 3, 10, 9))


def test_a_priority_change_re_targets_and_says_so(cast):
    agreement(office_calendar(cast.admin),
              targets=(("resolution", 2, 8 * 60), ("resolution", 1, 4 * 60)))
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    with clock.at(rome(2026, 3, 9, 10)):
        incidents.update_incident(inc, cast.agent, {"urgency": 1})
    inc.refresh_from_db()
    assert inc.priority == 1
    t = timer(inc)
    assert t.target.priority == 1 and t.due_at == rome(2026, 3, 9, 13)
    assert any("re-targeted: 8h → 4h" in n for n in notes_of(inc))


def test_no_breach_is_raised_while_paused(cast):
    agreement(office_calendar(cast.admin))
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    with clock.at(rome(2026, 3, 9, 16)):
        incidents.put_on_hold(inc, cast.agent, hold_reason="awaiting_caller")
    services.scan(now=rome(2026, 3, 12, 9))
    services.recompute(inc, now=rome(2026, 3, 12, 9))
    t = timer(inc)
    assert t.status == "paused" and t.breached_at is None
    assert not TimerEvent.objects.filter(timer=t, name="breach").exists()


def test_warnings_never_fall_at_night_or_at_weekends_with_a_split_day(cast):
    cal = office_calendar(cast.admin, hours=SPLIT)
    agreement(cal, targets=(("resolution", 2, 16 * 60),), warnings=(10, 25, 50, 75, 90))
    inc = log_p2(cast, rome(2026, 3, 6, 17, 30))  # a Friday evening
    services.scan(now=rome(2026, 3, 12, 9))
    schedule = services.schedule_of(cal)
    events = TimerEvent.objects.filter(timer=timer(inc))
    assert {e.name for e in events} == {"warning_10", "warning_25", "warning_50",
                                        "warning_75", "warning_90", "breach"}
    for event in events:
        assert schedule.is_working(event.at - timedelta(microseconds=1)), event


def test_an_ola_restarts_when_the_record_moves_to_another_group(cast):
    cal = office_calendar(cast.admin)
    agreement(cal, name="Every team", kind="ola", targets=(("resolution", None, 4 * 60),))
    agreement(cal, name="Network OLA", kind="ola", group=cast.network,
              targets=(("resolution", None, 2 * 60),))
    inc = log_p2(cast, rome(2026, 3, 9, 9), assignment_group=cast.service_desk)
    assert [t.agreement.name for t in services.timers_of(inc)] == ["Every team"]
    with clock.at(rome(2026, 3, 9, 12)):
        incidents.assign(inc, cast.agent, assignment_group=cast.network)
    with clock.at(rome(2026, 3, 9, 13)):
        services.recompute(inc)
    every, network = timer(inc, agreement_name="Every team"), timer(inc,
                                                                   agreement_name="Network OLA")
    assert every.cycle == 1 and every.elapsed == H and every.started_at == rome(2026, 3, 9, 12)
    assert network.elapsed == H and network.due_at == rome(2026, 3, 9, 14)


def test_first_response_is_not_overwritten_by_later_updates(cast):
    agreement(office_calendar(cast.admin),
              targets=(("first_response", None, 60), ("resolution", 2, 8 * 60)))
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    with clock.at(rome(2026, 3, 9, 9, 20)):
        incidents.take(inc, cast.agent)
    first = timer(inc, "first_response")
    assert (first.status, first.stopped_at) == ("met", rome(2026, 3, 9, 9, 20))
    with clock.at(rome(2026, 3, 9, 11)):
        incidents.put_on_hold(inc, cast.agent, hold_reason="awaiting_caller")
    with clock.at(rome(2026, 3, 9, 12)):
        incidents.reopen(inc, cast.agent)
    with clock.at(rome(2026, 3, 9, 13)):
        incidents.resolve(inc, cast.agent, resolution_code="solved_remotely",
                          resolution_notes="Restarted")
    with clock.at(rome(2026, 3, 10, 13)):
        incidents.reopen(inc, cast.agent)
    first = timer(inc, "first_response")
    assert (first.status, first.stopped_at, first.elapsed) == (
        "met", rome(2026, 3, 9, 9, 20), timedelta(minutes=20))


def test_a_breach_is_counted_once_even_after_a_reopen(cast):
    agreement(office_calendar(cast.admin), targets=(("resolution", 2, 60),))
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    services.scan(now=rome(2026, 3, 9, 11))
    with clock.at(rome(2026, 3, 9, 11)):
        incidents.resolve(inc, cast.agent, resolution_code="solved_remotely",
                          resolution_notes="Restarted")
    assert timer(inc).status == "breached"
    with clock.at(rome(2026, 3, 9, 12)):
        incidents.reopen(inc, cast.agent)
    t = timer(inc)
    assert t.cycle == 1 and t.status == "breached" and t.breached_at == rome(2026, 3, 9, 10)
    services.scan(now=rome(2026, 3, 9, 15))
    services.scan(now=rome(2026, 3, 9, 16))
    assert TimerEvent.objects.filter(timer=t, name="breach").count() == 1


def test_the_scan_records_each_warning_and_breach_once(cast):
    agreement(office_calendar(cast.admin), targets=(("resolution", 2, 4 * 60),))
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    assert timer(inc).next_event_at == rome(2026, 3, 9, 11)  # 50 %
    assert services.scan(now=rome(2026, 3, 9, 10)) == 0
    assert services.scan(now=rome(2026, 3, 9, 11)) == 1
    assert list(TimerEvent.objects.values_list("name", flat=True)) == ["warning_50"]
    assert timer(inc).next_event_at == rome(2026, 3, 9, 12)
    services.scan(now=rome(2026, 3, 9, 14))
    services.scan(now=rome(2026, 3, 9, 14))
    assert sorted(TimerEvent.objects.values_list("name", flat=True)) == [
        "breach", "warning_50", "warning_75", "warning_90"]
    assert timer(inc).next_event_at is None and timer(inc).status == "breached"


def test_an_agreement_for_another_customer_does_not_apply(cast):
    agreement(office_calendar(cast.admin), customer=cast.org_b)
    inc = log_p2(cast, rome(2026, 3, 9, 9))
    assert services.timers_of(inc) == []


def test_recomputing_many_records_gives_what_each_record_s_recompute_gives(cast):
    from servista.incidents.models import Incident

    agr = agreement(office_calendar(cast.admin),
                    targets=(("first_response", None, 30), ("resolution", 2, 4 * 60)))
    made = [log_p2(cast, rome(2026, 3, 9, 9 + n)) for n in range(3)]
    with clock.at(rome(2026, 3, 9, 12)):
        incidents.put_on_hold(made[0], cast.agent, hold_reason="awaiting_caller")
    target = Target.objects.get(agreement=agr, kind="resolution")
    target.minutes = 2 * 60
    target.save()
    now = rome(2026, 3, 10, 10)
    assert services.recompute_records(Incident.objects.all(), now=now, batch=2) == 3
    bulk = {t.pk: (t.status, t.elapsed, t.paused, t.due_at, t.breached_at, t.next_event_at)
            for t in services.Timer.objects.all()}
    for inc in made:
        services.recompute(inc, now=now)
    one_by_one = {t.pk: (t.status, t.elapsed, t.paused, t.due_at, t.breached_at,
                         t.next_event_at) for t in services.Timer.objects.all()}
    assert bulk == one_by_one
    assert TimerEvent.objects.filter(name="breach").count() == 6  # every target of each is late
