"""Business-time arithmetic: the acceptance examples (Europe/Rome office
hours, holidays, DST), multi-interval days, exceptions, empty weeks, and
the laws the arithmetic obeys, checked with hypothesis."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servista.sla.business_time import NoWorkingTime, Schedule

ROME = ZoneInfo("Europe/Rome")
H = timedelta(hours=1)
OFFICE = ((9 * 60, 17 * 60),)
SPLIT = ((9 * 60, 13 * 60), (14 * 60, 18 * 60))


def office(**kw):
    return Schedule("Europe/Rome", [OFFICE] * 5 + [(), ()], **kw)


def rome(*args):
    return datetime(*args, tzinfo=ROME)


def test_friday_afternoon_plus_eight_hours_is_monday_afternoon():
    due = office().add(rome(2026, 3, 13, 16), 8 * H)
    assert due == rome(2026, 3, 16, 16)


def test_a_holiday_monday_moves_the_due_time_to_tuesday():
    due = office(holidays={date(2026, 3, 16)}).add(rome(2026, 3, 13, 16), 8 * H)
    assert due == rome(2026, 3, 17, 16)


def test_across_the_spring_dst_change_the_due_time_stays_local():
    # Clocks go forward on Sunday 29 March 2026 in Rome.
    due = office().add(rome(2026, 3, 27, 16), 8 * H)
    assert due.astimezone(ROME).replace(tzinfo=None) == datetime(2026, 3, 30, 16)
    assert due == datetime(2026, 3, 30, 14, tzinfo=UTC)  # CEST is UTC+2


def test_across_the_autumn_dst_change_the_due_time_stays_local():
    due = office().add(rome(2026, 10, 23, 16), 8 * H)  # clocks go back 25 Oct
    assert due == datetime(2026, 10, 26, 15, tzinfo=UTC)  # CET is UTC+1


def test_a_round_the_clock_day_on_dst_change_counts_real_hours():
    always_rome = Schedule("Europe/Rome", [((0, 1440),)] * 7)
    assert always_rome.between(rome(2026, 3, 29), rome(2026, 3, 30)) == 23 * H
    assert always_rome.between(rome(2026, 10, 25), rome(2026, 10, 26)) == 25 * H


def test_filling_a_day_exactly_ends_at_closing_time_not_next_morning():
    assert office().add(rome(2026, 3, 13, 16), H) == rome(2026, 3, 13, 17)


def test_outside_hours_the_clock_starts_at_the_next_opening():
    assert office().add(rome(2026, 3, 14, 11), H) == rome(2026, 3, 16, 10)  # Saturday
    assert office().add(rome(2026, 3, 16, 23, 30), H) == rome(2026, 3, 17, 10)


def test_several_intervals_a_day_skip_the_lunch_break():
    split = Schedule("Europe/Rome", [SPLIT] * 5 + [(), ()])
    assert split.add(rome(2026, 3, 16, 12), 2 * H) == rome(2026, 3, 16, 15)
    assert split.between(rome(2026, 3, 16, 8), rome(2026, 3, 16, 20)) == 8 * H
    assert not split.is_working(rome(2026, 3, 16, 13, 30))
    assert split.is_working(rome(2026, 3, 16, 14))


def test_an_extra_working_saturday_and_a_shortened_day():
    cal = office(exceptions={date(2026, 3, 14): ((9 * 60, 12 * 60),),
                             date(2026, 3, 16): ((9 * 60, 11 * 60),)})
    assert cal.between(rome(2026, 3, 13, 9), rome(2026, 3, 17, 9)) == (8 + 3 + 2) * H
    assert cal.add(rome(2026, 3, 13, 16), 8 * H) == rome(2026, 3, 17, 11)


def test_an_exception_without_hours_closes_a_working_day():
    cal = office(exceptions={date(2026, 3, 16): ()})
    assert cal.add(rome(2026, 3, 13, 16), 8 * H) == rome(2026, 3, 17, 16)


def test_an_empty_week_of_holidays_is_stepped_over():
    week = {date(2026, 8, 10) + timedelta(days=n) for n in range(5)}
    assert office(holidays=week).add(rome(2026, 8, 7, 16), 2 * H) == rome(2026, 8, 17, 10)


def test_a_calendar_without_working_time_says_so():
    with pytest.raises(NoWorkingTime):
        Schedule("UTC", [()] * 7).add(datetime(2026, 1, 1, tzinfo=UTC), H)


def test_midnight_ending_hours_join_the_next_day():
    night = Schedule("UTC", [((20 * 60, 1440), (0, 4 * 60))] * 7)
    start = datetime(2026, 1, 1, 23, tzinfo=UTC)
    assert night.add(start, 3 * H) == datetime(2026, 1, 2, 2, tzinfo=UTC)


def test_instants_without_a_time_zone_are_refused():
    with pytest.raises(ValueError):
        office().add(datetime(2026, 1, 1), H)


def test_bad_hours_are_refused():
    with pytest.raises(ValueError):
        Schedule("UTC", [((600, 500),)] * 7)
    with pytest.raises(ValueError):
        Schedule("UTC", [((0, 600), (500, 700))] * 7)


# --- the laws -------------------------------------------------------------------

ZONES = ["Europe/Rome", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


@st.composite
def schedules(draw):
    zone = draw(st.sampled_from(ZONES))
    weekly = []
    for _ in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 1440), max_size=6)))
        spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
        weekly.append(tuple(spans))
    if not any(weekly):
        weekly[draw(st.integers(0, 6))] = ((0, 1440),)
    base = date(2026, 1, 1)
    holidays = {base + timedelta(days=n) for n in draw(st.sets(st.integers(0, 700), max_size=40))}
    exceptions = {base + timedelta(days=n): ((a, a + length),)
                  for n, a, length in draw(st.lists(st.tuples(
                      st.integers(0, 700), st.integers(0, 1200), st.integers(1, 240)),
                      max_size=5))}
    return Schedule(zone, weekly, holidays=holidays, exceptions=exceptions)


instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31),
                        timezones=st.just(UTC))
durations = st.integers(0, 200 * 3600).map(lambda s: timedelta(seconds=s))


@settings(deadline=None)
@given(schedules(), instants, durations)
def test_adding_then_measuring_gives_the_duration_back(cal, start, duration):
    assert cal.between(start, cal.add(start, duration)) == duration


@settings(deadline=None)
@given(schedules(), instants, durations, durations)
def test_add_is_monotonic_and_composes(cal, start, d1, d2):
    a, b = sorted((d1, d2))
    assert cal.add(start, a) <= cal.add(start, b)
    assert cal.add(cal.add(start, d1), d2) == cal.add(start, d1 + d2)


@settings(deadline=None)
@given(schedules(), instants, instants, instants)
def test_measuring_is_additive_over_splits_and_monotonic(cal, x, y, z):
    a, b, c = sorted((x, y, z))
    assert cal.between(a, c) == cal.between(a, b) + cal.between(b, c)
    assert cal.between(a, b) <= cal.between(a, c)


@settings(deadline=None)
@given(schedules(), instants, durations, st.sampled_from(ZONES))
def test_results_do_not_depend_on_how_the_instants_are_written(cal, start, duration, zone):
    moved = start.astimezone(ZoneInfo(zone))
    assert cal.add(moved, duration) == cal.add(start, duration)
    end = start + duration
    assert cal.between(moved, end.astimezone(ZoneInfo(zone))) == cal.between(start, end)


@settings(deadline=None)
@given(instants, durations)
def test_a_zone_alias_gives_the_same_times(start, duration):
    week = [OFFICE] * 5 + [(), ()]
    rome_cal, vatican = Schedule("Europe/Rome", week), Schedule("Europe/Vatican", week)
    assert rome_cal.add(start, duration) == vatican.add(start, duration)
    assert rome_cal.between(start, start + duration) == vatican.between(start, start + duration)
