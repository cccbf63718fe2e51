"""The timer of one target on one record, as a pure function of the
record's history, the target's rules and its calendar.

A record's history is a list of ``Segment``s: from an instant, until the
next change, the record had these values (state, group, priority, hold
reason...). ``compute`` walks them and says, for any moment ``now``:
elapsed and paused business time, remaining, due instant, status, the
instants at which warnings and the breach were reached, and an
explanation line per segment (counted, paused, not running, and why).
Nothing is stored in between, so a recompute at any moment, after any
change of the target or of the history, gives the exact numbers, and the
live timer is only a stored copy of this result.

Rules are data: a condition is ``{field: [values]}`` and matches when
every named field has one of its values.

* ``scope``    the timer runs only while it holds (an OLA: the group);
* ``start``    the first segment that matches starts it (empty: at once);
* ``pause``    counted as paused while it holds;
* ``stop``     the target is met (or breached, if late) when it holds;
* ``cancel``   the timer stops without counting as met or breached;
* ``reset``    once stopped, a segment that matches starts a new cycle
               from zero (a reopened incident);
* ``reset_on_change``  fields whose change starts a new cycle (an OLA
               restarts when the record moves to another group).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .business_time import ZERO, Schedule

IN_PROGRESS, PAUSED, MET, BREACHED, CANCELLED, NOT_STARTED = (
    "in_progress", "paused", "met", "breached", "cancelled", "not_started")
RUNNING = (IN_PROGRESS, PAUSED)


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime | None  # None: the record still has these values
    values: Mapping[str, object]


@dataclass(frozen=True)
class Rules:
    target: timedelta
    scope: Mapping[str, Sequence] = field(default_factory=dict)
    start: Mapping[str, Sequence] = field(default_factory=dict)
    pause: Mapping[str, Sequence] = field(default_factory=dict)
    stop: Mapping[str, Sequence] = field(default_factory=dict)
    cancel: Mapping[str, Sequence] = field(default_factory=dict)
    reset: Mapping[str, Sequence] = field(default_factory=dict)
    reset_on_change: tuple[str, ...] = ()
    warnings: tuple[int, ...] = (50, 75, 90)


def matches(condition: Mapping[str, Sequence], values: Mapping, *, empty: bool) -> bool:
    if not condition:
        return empty
    return all(values.get(name) in allowed for name, allowed in condition.items())


@dataclass
class Part:
    """One line of a timer's explanation."""

    start: datetime
    end: datetime
    kind: str  # counted, paused, stopped, not_running
    business: timedelta
    why: str


@dataclass
class Result:
    status: str = NOT_STARTED
    cycle: int = 0
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    elapsed: timedelta = ZERO
    paused: timedelta = ZERO
    target: timedelta = ZERO
    due_at: datetime | None = None
    reached_at: datetime | None = None  # when elapsed reached the target
    breached_at: datetime | None = None  # the first breach of any cycle
    warnings: dict[int, datetime] = field(default_factory=dict)  # of the current cycle
    next_event_at: datetime | None = None
    parts: list[Part] = field(default_factory=list)

    @property
    def remaining(self) -> timedelta:
        return max(self.target - self.elapsed, ZERO)

    @property
    def percent(self) -> float:
        return 100.0 * self.elapsed / self.target if self.target else 0.0

    @property
    def breached(self) -> bool:
        return self.breached_at is not None


def describe(condition: Mapping, values: Mapping) -> str:
    return ", ".join(f"{name} {values.get(name)}" for name in condition) or "always"


def compute(segments: Sequence[Segment], rules: Rules, calendar: Schedule,
            now: datetime) -> Result:
    """The timer at ``now`` (see the module's description)."""
    if rules.target <= ZERO:
        raise ValueError("A target is a positive duration.")
    now = now.astimezone(UTC)
    res = Result(target=rules.target)
    marks = sorted(set(rules.warnings) - {0})
    prev = None
    for seg in segments:
        start = seg.start.astimezone(UTC)
        if start > now:
            break
        end = min(seg.end.astimezone(UTC), now) if seg.end is not None else now
        values = seg.values
        in_scope = matches(rules.scope, values, empty=True)
        changed = prev is not None and any(values.get(f) != prev.get(f)
                                           for f in rules.reset_on_change)
        if res.status in RUNNING and (changed or not in_scope):
            _stop(res, start, CANCELLED)
        if res.status in (MET, BREACHED, CANCELLED) and in_scope and (
                changed or (matches(rules.reset, values, empty=False)
                            and not matches(rules.reset, prev or {}, empty=False))):
            _new_cycle(res, start)
        if res.status == NOT_STARTED and in_scope and matches(rules.start, values, empty=True):
            _new_cycle(res, start)
        if res.status in RUNNING:
            if matches(rules.cancel, values, empty=False):
                _stop(res, start, CANCELLED)
            elif matches(rules.stop, values, empty=False):
                _stop(res, start, MET)
        if res.status not in RUNNING:
            why = ("out of scope" if not in_scope else "not started"
                   if res.status == NOT_STARTED else res.status)
            res.parts.append(Part(start, end, "not_running", ZERO, why))
        elif matches(rules.pause, values, empty=False):
            business = calendar.between(start, end)
            res.paused += business
            res.status = PAUSED
            res.parts.append(Part(start, end, "paused", business,
                                  f"paused: {describe(rules.pause, values)}"))
        else:
            res.status = IN_PROGRESS
            business = calendar.between(start, end)
            for percent in [*marks, 100]:
                mark = rules.target * percent / 100
                if res.elapsed < mark <= res.elapsed + business:
                    instant = calendar.add(start, mark - res.elapsed)
                    if percent == 100:
                        res.reached_at = instant
                    elif percent < 100:
                        res.warnings.setdefault(percent, instant)
            res.elapsed += business
            res.parts.append(Part(start, end, "counted", business, "running"))
        prev = values
    if res.status in RUNNING:
        if res.reached_at is not None and res.reached_at < now:
            res.breached_at = res.breached_at or res.reached_at
        if res.reached_at is not None:
            res.due_at = res.reached_at
            if not res.breached:
                res.next_event_at = res.reached_at  # due this very instant
        elif res.status == IN_PROGRESS:
            res.due_at = calendar.add(now, rules.target - res.elapsed)
            pending = [calendar.add(now, rules.target * p / 100 - res.elapsed)
                       for p in marks if p not in res.warnings and p < 100]
            res.next_event_at = min([*pending, res.due_at])
    return res


def _new_cycle(res: Result, at: datetime) -> None:
    if res.status != NOT_STARTED:
        res.cycle += 1
    res.status = IN_PROGRESS
    res.started_at, res.stopped_at = at, None
    res.elapsed = res.paused = ZERO
    res.reached_at = res.due_at = None
    res.warnings = {}


def _stop(res: Result, at: datetime, status: str) -> None:
    late = res.reached_at is not None and res.reached_at < at
    if late:
        res.breached_at = res.breached_at or res.reached_at
    res.status = BREACHED if (status == MET and late) else status
    res.stopped_at = at
    res.due_at = res.reached_at
