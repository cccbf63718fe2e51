"""Business-time arithmetic over a calendar: pure functions, no database.

A ``Schedule`` is a calendar made ready for arithmetic: its time zone, its
weekly hours (several intervals a day, in minutes from local midnight,
1440 being the next midnight), its holidays and its exceptions (a date
with hours of its own: an extra working day, a shortened day; no hours: a
day off). Business time is real elapsed time inside working intervals, so
a day whose working hours straddle a DST change counts what a clock on
the wall of a UTC office would show, and every law below holds exactly:

* ``between(s, add(s, d)) == d`` (adding then measuring gives d back);
* ``add`` and ``between`` are monotonic;
* ``between(a, c) == between(a, b) + between(b, c)`` for a <= b <= c;
* neither depends on the time zone the instants are written in.

``add`` returns the earliest instant at which ``d`` of business time has
passed: adding 1 hour at 16:00 to a day ending at 17:00 gives 17:00 that
day, not 09:00 the next working day.

A local time that does not exist (the hour skipped when clocks go forward)
is read with the offset before the gap, as iCalendar does (RFC 5545,
3.3.5): 02:30 on that day is 03:30 summer time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZERO = timedelta(0)
DAY_MINUTES = 1440
# A calendar with no working time for this many days in a row has none.
MAX_EMPTY_DAYS = 3 * 366

Span = tuple[int, int]  # minutes from local midnight, start < end <= 1440


class NoWorkingTime(ValueError):
    """The calendar has no working time left to reach the duration."""


def check_spans(spans) -> tuple[Span, ...]:
    """Sorted, non-overlapping spans, or ValueError saying what is wrong."""
    out = sorted((int(a), int(b)) for a, b in spans)
    for a, b in out:
        if not (0 <= a < b <= DAY_MINUTES):
            raise ValueError(f"{minutes_text(a)}–{minutes_text(b)} is not a period of a day.")
    for (_, b1), (a2, b2) in zip(out, out[1:], strict=False):
        if a2 < b1:
            raise ValueError(f"{minutes_text(a2)}–{minutes_text(b2)} overlaps the period "
                             f"before it.")
    return tuple(out)


def minutes_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("Business-time arithmetic needs instants with a time zone.")
    return instant


class Schedule:
    """A calendar ready for arithmetic (see the module's description)."""

    def __init__(self, tz: str | ZoneInfo, weekly: Mapping[int, tuple[Span, ...]] | list,
                 holidays=(), exceptions: Mapping[date, tuple[Span, ...]] | None = None):
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        if isinstance(weekly, Mapping):
            weekly = [weekly.get(day, ()) for day in range(7)]
        self.weekly = tuple(check_spans(spans) for spans in weekly)
        if len(self.weekly) != 7:
            raise ValueError("Weekly hours name seven days, Monday first.")
        self.holidays = frozenset(holidays)
        self.exceptions = {day: check_spans(spans) for day, spans in (exceptions or {}).items()}
        self._days: dict[date, tuple[tuple[datetime, datetime], ...]] = {}
        self._totals: dict[date, timedelta] = {}
        # Running totals of day_total from _origin: _running[k] is the sum
        # of the k days before _origin + k (see _days_total).
        self._origin: date | None = None
        self._running: list[timedelta] = []
        self._lock = threading.Lock()
        # Round the clock every day: business time is elapsed time.
        self.continuous = (all(spans == ((0, DAY_MINUTES),) for spans in self.weekly)
                           and not self.holidays and not self.exceptions)

    @classmethod
    def always(cls) -> Schedule:
        """Round the clock, every day (a target with no calendar)."""
        return cls("UTC", [((0, DAY_MINUTES),)] * 7)

    @property
    def has_weekly_hours(self) -> bool:
        return any(self.weekly)

    # --- the working intervals ------------------------------------------------

    def spans_of(self, day: date) -> tuple[Span, ...]:
        if day in self.exceptions:
            return self.exceptions[day]
        if day in self.holidays:
            return ()
        return self.weekly[day.weekday()]

    def _instant(self, day: date, minute: int) -> datetime:
        local = datetime.combine(day, time()) + timedelta(minutes=minute)
        return local.replace(tzinfo=self.tz).astimezone(UTC)

    def day_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals of a local date, as UTC instants."""
        cached = self._days.get(day)
        if cached is None:
            out: list[tuple[datetime, datetime]] = []
            for a, b in self.spans_of(day):
                start, end = self._instant(day, a), self._instant(day, b)
                if out and start < out[-1][1]:
                    start = out[-1][1]  # only around a DST gap
                if end > start:
                    out.append((start, end))
            cached = self._days[day] = tuple(out)
        return cached

    def intervals(self, start: datetime, end: datetime | None = None
                  ) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals from ``start`` (up to ``end``), clipped, in order.
        Without ``end`` it goes on while the calendar has working time."""
        start = aware(start).astimezone(UTC)
        end = aware(end).astimezone(UTC) if end is not None else None
        day = start.astimezone(self.tz).date() - timedelta(days=1)
        last_day = end.astimezone(self.tz).date() + timedelta(days=1) if end else None
        floor = start
        empty = 0
        while last_day is None or day <= last_day:
            found = False
            for a, b in self.day_intervals(day):
                a = max(a, floor)
                if end is not None:
                    b = min(b, end)
                if b > a:
                    found = True
                    yield a, b
                    floor = b
            if end is None:
                empty = 0 if found else empty + 1
                if empty > MAX_EMPTY_DAYS:
                    raise NoWorkingTime("The calendar has no working time after "
                                        f"{start:%Y-%m-%d}.")
            day += timedelta(days=1)

    # --- the arithmetic -------------------------------------------------------------

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time from ``start`` to ``end`` (zero when end <= start).
        Whole local days in the middle of a long span are added from a
        per-day total (a day's intervals lie within its own local day),
        the two ends interval by interval."""
        if aware(end) <= aware(start):
            return ZERO
        if self.continuous:  # (in UTC: the same zone's wall clocks ignore DST)
            return end.astimezone(UTC) - start.astimezone(UTC)
        first = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        if (last - first).days <= 4:
            return self._between(start, end)
        middle_start = self._instant(first + timedelta(days=2), 0)
        middle_end = self._instant(last - timedelta(days=1), 0)
        total = self._between(start, middle_start) + self._between(middle_end, end)
        return total + self._days_total(first + timedelta(days=2), last - timedelta(days=1))

    def _days_total(self, first: date, stop: date) -> timedelta:
        """The business time of the local days ``first`` to ``stop``
        (excluded), from running totals kept per calendar: a span of years
        costs two look-ups, not a sum per day."""
        if stop <= first:
            return ZERO
        with self._lock:
            if self._origin is None:
                self._origin, self._running = first, [ZERO]
            if first < self._origin:
                head = [ZERO]
                day = first
                while day < self._origin:
                    head.append(head[-1] + self.day_total(day))
                    day += timedelta(days=1)
                self._running = head[:-1] + [head[-1] + t for t in self._running]
                self._origin = first
            covered = self._origin + timedelta(days=len(self._running) - 1)
            while covered < stop:
                self._running.append(self._running[-1] + self.day_total(covered))
                covered += timedelta(days=1)
            return (self._running[(stop - self._origin).days]
                    - self._running[(first - self._origin).days])

    def _between(self, start: datetime, end: datetime) -> timedelta:
        total = ZERO
        for a, b in self.intervals(start, end):
            total += b - a
        return total

    def day_total(self, day: date) -> timedelta:
        found = self._totals.get(day)
        if found is None:
            found = self._totals[day] = sum((b - a for a, b in self.day_intervals(day)), ZERO)
        return found

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant at which ``duration`` of business time has
        passed since ``start`` (in UTC)."""
        if duration < ZERO:
            raise ValueError("A business duration is not negative.")
        start = aware(start).astimezone(UTC)
        if duration == ZERO or self.continuous:
            return start + duration
        left = duration
        for a, b in self.intervals(start):
            if b - a >= left:
                return a + left
            left -= b - a
        raise NoWorkingTime("The calendar has no working time.")  # pragma: no cover

    def is_working(self, instant: datetime) -> bool:
        """Whether ``instant`` is inside working hours."""
        instant = aware(instant).astimezone(UTC)
        day = instant.astimezone(self.tz).date()
        return any(a <= instant < b for d in (day - timedelta(days=1), day)
                   for a, b in self.day_intervals(d))
