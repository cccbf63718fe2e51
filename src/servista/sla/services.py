"""Service level management: calendars and their arithmetic, agreements,
the history of every work record as intervals, and its timers.

The engine is generic over work records: ``track`` is told of every
creation and change of any work record (``core.services.observe_records``)
and keeps the record's intervals; ``recompute`` derives every timer of a
record from its intervals, the agreements' targets and calendars, at any
moment, through the pure ``timers.compute``. Nothing else writes a timer.
"""

import csv
import hashlib
import io
import secrets
import threading
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from servista.core import clock
from servista.core.bulk import update_rows
from servista.core.exceptions import ValidationFailed
from servista.core.journal import write_entry
from servista.core.models.journal import JournalKind
from servista.core.refcache import RefCache
from servista.core.services import observe_records
from servista.notifications import webhooks

from . import timers as engine
from .business_time import DAY_MINUTES, Schedule, check_spans
from .choices import AgreementKind, TargetKind, TimerStatus
from .models import (
    Agreement,
    Calendar,
    CalendarException,
    Escalation,
    Holiday,
    RecordInterval,
    SatisfactionSurvey,
    Target,
    Timer,
    TimerEvent,
    WorkingHours,
)

# The values of a record its intervals keep (each when the record has it).
TRACKED = ("state", "assignment_group", "assigned_to", "priority", "hold_reason", "service",
           "organization")


# --- calendars -----------------------------------------------------------------


def _minute(value: time | None, *, end: bool = False) -> int:
    minutes = value.hour * 60 + value.minute
    return DAY_MINUTES if end and minutes == 0 else minutes


_schedules: dict[tuple, Schedule] = {}
_schedules_lock = threading.Lock()


def schedule_of(calendar: Calendar | None) -> Schedule:
    """The calendar ready for arithmetic (none: round the clock). Kept per
    process until the calendar changes (``updated_at``)."""
    if calendar is None:
        return _ALWAYS
    key = (calendar.pk, calendar.updated_at)
    found = _schedules.get(key)
    if found is None:
        weekly = [[] for _ in range(7)]
        for row in WorkingHours.objects.filter(calendar=calendar):
            weekly[row.weekday].append((_minute(row.start), _minute(row.end, end=True)))
        exceptions: dict[date, list] = {}
        for row in CalendarException.objects.filter(calendar=calendar):
            spans = exceptions.setdefault(row.date, [])
            if row.start is not None and row.end is not None:
                spans.append((_minute(row.start), _minute(row.end, end=True)))
        holidays = set(Holiday.objects.filter(calendar=calendar).values_list("date", flat=True))
        found = Schedule(calendar.time_zone, weekly, holidays=holidays, exceptions=exceptions)
        with _schedules_lock:
            for old in [k for k in _schedules if k[0] == calendar.pk]:
                del _schedules[old]
            _schedules[key] = found
    return found


_ALWAYS = Schedule.always()


def _touch(calendar: Calendar) -> None:
    calendar.updated_at = clock.now()
    calendar.save(update_fields=["updated_at"])


def _time(value: str, name: str) -> time:
    if value in ("24:00", "24:00:00"):
        return time(0)
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationFailed.field(name, f"'{value}' is not a time (HH:MM).") from None


def _save_valid(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from None
    obj.save()


@transaction.atomic
def create_calendar(actor, *, name: str, time_zone: str = "UTC", hours=None, country: str = "",
                    subdivision: str = "", description: str = "") -> Calendar:
    """A calendar with weekly ``hours`` ({weekday 0-6: [["09:00", "17:00"], ...]})."""
    if Calendar.objects.filter(name=name).exists():
        raise ValidationFailed.field("name", f"A calendar named '{name}' exists.")
    cal = Calendar(name=name, time_zone=time_zone, country=country, subdivision=subdivision,
                   description=description)
    _save_valid(cal)
    set_hours(cal, actor, hours or {})
    return cal


@transaction.atomic
def set_hours(calendar: Calendar, actor, hours: dict) -> Calendar:
    """Replace the weekly hours: {weekday: [[start, end], ...]} (00:00 or
    24:00 as an end is midnight)."""
    rows = []
    for weekday, spans in hours.items():
        day = int(weekday)
        if not 0 <= day <= 6:
            raise ValidationFailed.field("hours", f"Weekday {weekday} is not 0 (Monday) to 6.")
        parsed = [(_time(a, "hours"), _time(b, "hours")) for a, b in spans]
        try:
            check_spans([(_minute(a), _minute(b, end=True)) for a, b in parsed])
        except ValueError as exc:
            raise ValidationFailed.field("hours", str(exc)) from None
        rows += [WorkingHours(calendar=calendar, weekday=day, start=a, end=b) for a, b in parsed]
    WorkingHours.objects.filter(calendar=calendar).delete()
    WorkingHours.objects.bulk_create(rows)
    _touch(calendar)
    return calendar


@transaction.atomic
def add_holiday(calendar: Calendar, actor, day: date, name: str = "") -> Holiday:
    holiday, _ = Holiday.objects.update_or_create(calendar=calendar, date=day,
                                                  defaults={"name": name})
    _touch(calendar)
    return holiday


@transaction.atomic
def add_exception(calendar: Calendar, actor, day: date, *, name: str = "",
                  hours: list | None = None) -> list[CalendarException]:
    """Give ``day`` hours of its own (``hours``: [[start, end], ...]; none or
    empty: the day is closed), replacing any it had."""
    parsed = [(_time(a, "hours"), _time(b, "hours")) for a, b in (hours or [])]
    try:
        check_spans([(_minute(a), _minute(b, end=True)) for a, b in parsed])
    except ValueError as exc:
        raise ValidationFailed.field("hours", str(exc)) from None
    CalendarException.objects.filter(calendar=calendar, date=day).delete()
    rows = [CalendarException(calendar=calendar, date=day, name=name, start=a, end=b)
            for a, b in parsed] or [CalendarException(calendar=calendar, date=day, name=name)]
    CalendarException.objects.bulk_create(rows)
    _touch(calendar)
    return rows


@transaction.atomic
def generate_holidays(calendar: Calendar, actor, years) -> int:
    """Public holidays of the calendar's country (and region) for ``years``,
    from the ``holidays`` package; dates already listed are kept."""
    import holidays as holiday_tables

    if not calendar.country:
        raise ValidationFailed.field("country", "The calendar names no country.")
    try:
        table = holiday_tables.country_holidays(calendar.country,
                                                subdiv=calendar.subdivision or None,
                                                years=list(years))
    except NotImplementedError:
        raise ValidationFailed.field(
            "country", f"No public holidays known for '{calendar.country}'"
                       f"{' / ' + calendar.subdivision if calendar.subdivision else ''}.") from None
    existing = set(Holiday.objects.filter(calendar=calendar).values_list("date", flat=True))
    rows = [Holiday(calendar=calendar, date=day, name=name[:150], generated=True)
            for day, name in sorted(table.items()) if day not in existing]
    Holiday.objects.bulk_create(rows)
    _touch(calendar)
    return len(rows)


def add_business_time(calendar: Calendar | None, start: datetime, minutes: int) -> datetime:
    return schedule_of(calendar).add(start, timedelta(minutes=minutes))


def business_minutes_between(calendar: Calendar | None, start: datetime, end: datetime) -> float:
    return schedule_of(calendar).between(start, end).total_seconds() / 60


# --- the history of records -----------------------------------------------------------


def type_of(record) -> str:
    return record._meta.label_lower


def values_of(record) -> dict:
    fields = {f.name: f.attname for f in record._meta.concrete_fields}
    return {name: getattr(record, fields[name]) for name in TRACKED if name in fields}


@observe_records
def track(record, actor, changes: dict, *, created: bool) -> None:
    """Keep the record's intervals and timers in step with a change."""
    if not created and not any(name in changes for name in TRACKED):
        return
    rtype = type_of(record)
    at = record.opened_at if created else record.updated_at
    if not created:
        RecordInterval.objects.filter(record_type=rtype, record_id=record.pk,
                                      end__isnull=True).update(end=at)
    interval = RecordInterval.objects.create(record_type=rtype, record_id=record.pk, start=at,
                                             values=values_of(record))
    # A new record's history is its first interval: nothing to read back.
    segments = [engine.Segment(at, None, interval.values)] if created else None
    recompute(record, actor=actor, now=max(at, clock.now()), segments=segments, new=created)
    if "state" in changes and getattr(record, "is_resolved", False):
        offer_survey(record)


def intervals_of(record_type: str, record_id: int) -> list[engine.Segment]:
    return [engine.Segment(i.start, i.end, i.values) for i in RecordInterval.objects.filter(
        record_type=record_type, record_id=record_id).order_by("start", "id")]


# --- agreements and timers ----------------------------------------------------------------


def _load_agreements() -> list[Agreement]:
    return list(Agreement.objects.filter(active=True).select_related("calendar")
                .prefetch_related("targets__calendar").order_by("id"))


# Read on every creation and change of every work record: kept per process,
# dropped everywhere as soon as an agreement, target or calendar changes.
_agreements = RefCache(_load_agreements, models=[Agreement, Target, Calendar], ttl=60)


def agreements_for(record) -> list[Agreement]:
    """The active agreements whose scope covers the record."""
    rtype = type_of(record)
    org = getattr(record, "organization_id", None)
    service = getattr(record, "service_id", None)
    return [a for a in _agreements.get() if a.record_type == rtype
            and a.customer_id in (None, org) and a.service_id in (None, service)]


def target_for(agreement: Agreement, kind: str, priority) -> Target | None:
    """The agreement's target of ``kind`` for ``priority`` (or for any)."""
    best = None
    for target in agreement.targets.all():
        if target.kind != kind:
            continue
        if target.priority == priority:
            return target
        if target.priority is None:
            best = target
    return best


def rules_of(agreement: Agreement, target: Target) -> engine.Rules:
    scope, reset_on_change = {}, ()
    if agreement.kind in (AgreementKind.OLA, AgreementKind.UC):
        if agreement.group_id:
            scope = {"assignment_group": [agreement.group_id]}
        else:
            reset_on_change = ("assignment_group",)  # each group's own clock
    return engine.Rules(
        target=target.duration, scope=scope, start=target.start_when, pause=target.pause_when,
        stop=target.stop_when, cancel=target.cancel_when, reset=target.reset_when,
        reset_on_change=reset_on_change, warnings=tuple(target.warnings or ()))


def calendar_of(agreement: Agreement, target: Target) -> Calendar | None:
    return target.calendar or agreement.calendar


def _ever_with(segments, group_id) -> bool:
    return any(s.values.get("assignment_group") == group_id for s in segments)


def evaluate(record, *, now: datetime | None = None, segments=None, memo: dict | None = None):
    """[(agreement, target, result)] for the record at ``now``, computed
    from scratch; nothing is written. ``memo``: a dict kept across the
    records of one batch, for the agreements, targets and rules they share."""
    now = now or clock.now()
    rtype = type_of(record)
    segments = intervals_of(rtype, record.pk) if segments is None else segments
    memo = {} if memo is None else memo
    scope = (rtype, getattr(record, "organization_id", None), getattr(record, "service_id", None))
    if scope not in memo:
        memo[scope] = agreements_for(record)
    out = []
    for agreement in memo[scope]:
        if agreement.group_id and not _ever_with(segments, agreement.group_id):
            continue
        for kind in TargetKind.values:
            key = (agreement.pk, kind, record.priority)
            if key not in memo:
                target = target_for(agreement, kind, record.priority)
                memo[key] = target and (target, rules_of(agreement, target))
            if not memo[key]:
                continue
            target, rules = memo[key]
            result = engine.compute(segments, rules, schedule_of(calendar_of(agreement, target)),
                                    now)
            out.append((agreement, target, result))
    return out


def _status(result: engine.Result) -> str:
    if result.status == engine.IN_PROGRESS and result.breached:
        return TimerStatus.BREACHED
    return result.status


def recompute(record, *, actor=None, now: datetime | None = None, segments=None,
              new: bool = False) -> list[Timer]:
    """Bring every timer of the record to what its history says at ``now``
    (creating those it lacks), journal what a person should know (pause,
    resume, re-target), and record the warnings and breaches reached.
    ``new``: the record was just created (it has no timers yet)."""
    now = now or clock.now()
    rtype = type_of(record)
    existing = {} if new else {(t.agreement_id, t.kind): t for t in Timer.objects.filter(
        record_type=rtype, record_id=record.pk).select_related("target")}
    notes = []
    kept = []
    for agreement, target, result in evaluate(record, now=now, segments=segments):
        timer = existing.pop((agreement.pk, target.kind), None)
        status = _status(result)
        label = f"{agreement.name} {target.get_kind_display().lower()}"
        if timer is None:
            timer = Timer(record_type=rtype, record_id=record.pk, agreement=agreement,
                          kind=target.kind, target=target)
        else:
            if timer.target_id != target.pk:
                notes.append(f"{label} re-targeted: {timer.target.duration_text} → "
                             f"{target.duration_text} (priority P{record.priority}); elapsed "
                             f"{_text(result.elapsed)} kept.")
                timer.target = target
            if timer.status == TimerStatus.IN_PROGRESS and status == TimerStatus.PAUSED:
                notes.append(f"{label} paused after {_text(result.elapsed)}.")
            elif timer.status == TimerStatus.PAUSED and status in (TimerStatus.IN_PROGRESS,
                                                                   TimerStatus.BREACHED):
                notes.append(f"{label} resumed; {_text(result.remaining)} left, due "
                             f"{result.due_at:%Y-%m-%d %H:%M} UTC." if result.due_at else
                             f"{label} resumed.")
        timer.status = status
        timer.cycle = result.cycle
        timer.started_at, timer.stopped_at = result.started_at, result.stopped_at
        timer.elapsed, timer.paused = result.elapsed, result.paused
        timer.target_duration = result.target
        timer.due_at = result.due_at
        timer.breached_at = result.breached_at
        timer.next_event_at = result.next_event_at
        timer.computed_at = now
        timer.opened_at = record.opened_at
        timer.priority = record.priority
        timer.service_id = getattr(record, "service_id", None)
        timer.customer_id = getattr(record, "organization_id", None)
        timer.save()
        _record_events(timer, result)
        kept.append(timer)
    for timer in existing.values():  # the agreement no longer covers the record
        if timer.status in TimerStatus.RUNNING:
            timer.status, timer.stopped_at, timer.next_event_at = TimerStatus.CANCELLED, now, None
            timer.save(update_fields=["status", "stopped_at", "next_event_at"])
            notes.append(f"{timer.agreement.name} {timer.get_kind_display().lower()} "
                         "cancelled: the agreement no longer covers this record.")
    if notes and actor is not None:
        write_entry(record, actor, JournalKind.WORK_NOTE, body="\n".join(notes))
    return kept


def _record_events(timer: Timer, result: engine.Result) -> None:
    wanted = [(f"warning_{p}", result.cycle, at, f"{p}% of the target reached")
              for p, at in sorted(result.warnings.items())]
    if result.breached_at is not None:
        wanted.append(("breach", 0, result.breached_at, "target breached"))
    if not wanted:
        return
    have = set(TimerEvent.objects.filter(timer=timer).values_list("name", "cycle"))
    for name, cycle, at, detail in wanted:
        if (name, cycle) in have:
            continue
        try:
            with transaction.atomic():
                TimerEvent.objects.create(timer=timer, name=name, cycle=cycle, at=at,
                                          detail=detail)
        except IntegrityError:
            pass  # recorded meanwhile by another process: once is enough


def _text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}"


def record_of(record_type: str, record_id: int):
    return apps.get_model(record_type)._base_manager.get(pk=record_id)


def timers_of(record) -> list[Timer]:
    return list(Timer.objects.filter(record_type=type_of(record), record_id=record.pk)
                .select_related("agreement", "target").order_by("kind", "agreement__name"))


def explain(timer: Timer, *, now: datetime | None = None) -> engine.Result:
    """The timer computed again, with a line per interval (counted, paused,
    not running, and why)."""
    now = now or clock.now()
    segments = intervals_of(timer.record_type, timer.record_id)
    return engine.compute(segments, rules_of(timer.agreement, timer.target),
                          schedule_of(calendar_of(timer.agreement, timer.target)), now)


# --- the periodic scan -------------------------------------------------------------------


def due_timers(now: datetime):
    """Timers with a warning or breach due by ``now`` (an index range)."""
    return Timer.objects.filter(next_event_at__lte=now)


def scan(*, now: datetime | None = None, limit: int = 500) -> int:
    """Recompute the records whose timers have an event due; the warnings
    and breaches reached are recorded once (``TimerEvent``). Returns how
    many records were recomputed."""
    now = now or clock.now()
    keys = list(due_timers(now).order_by("next_event_at")
                .values_list("record_type", "record_id").distinct()[:limit])
    for record_type, record_id in keys:
        with transaction.atomic():
            recompute(record_of(record_type, record_id), now=now)
    return len(keys)


# --- escalations and messages ---------------------------------------------------------------


def pending_events():
    return TimerEvent.objects.filter(handled=False).order_by("at", "id")


def handle_events(*, limit: int = 200) -> int:
    """Run the escalations of each warning or breach recorded and not yet
    handled: each event is claimed once (so nothing runs twice, whichever
    worker gets there first), its actions journaled on the record."""
    done = 0
    for event_id in list(pending_events().values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            if not TimerEvent.objects.filter(pk=event_id, handled=False).update(handled=True):
                continue  # another worker has it
            event = TimerEvent.objects.select_related("timer__agreement", "timer__target") \
                .get(pk=event_id)
            _escalate(event)
            done += 1
    return done


def _escalate(event: TimerEvent) -> None:
    from servista.core.records.services import service_for
    from servista.core.services import system_user
    from servista.notifications import services as notifications

    timer = event.timer
    record = record_of(timer.record_type, timer.record_id)
    system = system_user()
    label = f"{timer.agreement.name} {timer.get_kind_display().lower()}"
    what = "breached" if event.name == "breach" else f"at {event.name.split('_')[-1]}%"
    subject = f"{record.number}: {label} {what}"
    lines = []
    rules = Escalation.objects.filter(agreement=timer.agreement, on=event.name) \
        .filter(Q(kind="") | Q(kind=timer.kind)).prefetch_related("notify_users") \
        .select_related("group__manager").order_by("id")
    for rule in rules:
        if rule.action == Escalation.NOTIFY:
            people = list(rule.notify_users.all())
            if rule.notify_assignee and record.assigned_to_id:
                people.append(record.assigned_to)
            if rule.notify_group_manager and record.assignment_group_id:
                people.append(record.assignment_group.manager)
            sent = notifications.notify(people, subject, record=record, body=(
                f"{label} of {record.number} ({record.short_description}) {what}.\n"
                f"Due {timer.due_at:%Y-%m-%d %H:%M} UTC." if timer.due_at else ""))
            lines.append(f"Escalation: notified {', '.join(str(n.user) for n in sent) or 'no one'}"
                         f" ({subject}).")
        elif rule.action == Escalation.REASSIGN and rule.group_id:
            service = service_for(type(record))
            if service is not None and record.is_open \
                    and record.assignment_group_id != rule.group_id:
                service.assign(record, system, assignment_group=rule.group,
                               reason=f"Escalation: {subject}")
                lines.append(f"Escalation: reassigned to {rule.group} ({subject}).")
        elif rule.action == Escalation.RAISE_PRIORITY and rule.priority:
            service = service_for(type(record))
            record.refresh_from_db()
            if service is not None and record.is_open and record.priority > rule.priority:
                service.override_priority(record, system, priority=rule.priority,
                                          reason=f"Escalation: {subject}")
                lines.append(f"Escalation: priority raised to P{rule.priority} ({subject}).")
    write_entry(record, system, JournalKind.WORK_NOTE,
                body="\n".join([f"{label} {what} at {event.at:%Y-%m-%d %H:%M} UTC.", *lines]))
    webhooks.send_event("sla.breach" if event.name == "breach" else "sla.warning", {
        "type": timer.record_type, "id": record.pk, "number": record.number,
        "agreement": timer.agreement.name, "agreement_kind": timer.agreement.kind,
        "target": timer.kind, "event": event.name, "at": event.at, "due_at": timer.due_at})


# --- compliance -------------------------------------------------------------------------------

DIMENSIONS = {"service": "service__name", "customer": "customer__name", "priority": "priority",
              "month": "month"}


def compliance(by: str = "service", *, since: datetime | None = None,
               until: datetime | None = None, kind: str | None = None) -> list[dict]:
    """Per service, customer, priority or month (of the records' opening):
    timers decided (met or breached), percent met, count breached, mean
    business time to first response and to resolve, in minutes."""
    from django.db.models import Avg, Count
    from django.db.models.functions import TruncMonth

    if by not in DIMENSIONS:
        raise ValidationFailed.field("by", f"Group by one of {', '.join(DIMENSIONS)}.")
    rows = Timer.objects.filter(Q(status__in=[TimerStatus.MET, TimerStatus.BREACHED])
                                | Q(breached_at__isnull=False))
    if since is not None:
        rows = rows.filter(opened_at__gte=since)
    if until is not None:
        rows = rows.filter(opened_at__lt=until)
    if kind:
        rows = rows.filter(kind=kind)
    if by == "month":
        rows = rows.annotate(month=TruncMonth("opened_at"))
    key = DIMENSIONS[by]
    stopped = Q(stopped_at__isnull=False)
    out = []
    for row in rows.values(key).annotate(
            total=Count("id"), breached=Count("id", filter=Q(breached_at__isnull=False)),
            response=Avg("elapsed", filter=stopped & Q(kind=TargetKind.FIRST_RESPONSE)),
            resolve=Avg("elapsed", filter=stopped & Q(kind=TargetKind.RESOLUTION)),
    ).order_by(key):
        value = row[key]
        if by == "month" and value is not None:
            value = value.strftime("%Y-%m")
        met = row["total"] - row["breached"]
        out.append({
            "group": value if value is not None else "(none)",
            "total": row["total"], "met": met, "breached": row["breached"],
            "percent_met": round(100.0 * met / row["total"], 1) if row["total"] else None,
            "mean_first_response_minutes": _minutes(row["response"]),
            "mean_resolve_minutes": _minutes(row["resolve"]),
        })
    return out


def _minutes(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 60, 1)
    return round(float(value) / 60_000_000, 1)  # microseconds, on some backends


def record_model_of(number: str):
    """The work record model whose numbers look like ``number`` (INC0001001)."""
    from servista.core.models import WorkRecord

    found = None
    for model in apps.get_models():
        prefix = getattr(model, "number_prefix", "")
        if issubclass(model, WorkRecord) and prefix and number.upper().startswith(prefix) \
                and number[len(prefix):].isdigit():
            if found is None or len(prefix) > len(found.number_prefix):
                found = model
    return found


def compliance_csv(by: str, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([by, "total", "met", "breached", "percent_met",
                     "mean_first_response_minutes", "mean_resolve_minutes"])
    for row in rows:
        writer.writerow([row["group"], row["total"], row["met"], row["breached"],
                         row["percent_met"], row["mean_first_response_minutes"],
                         row["mean_resolve_minutes"]])
    return out.getvalue()


def with_due_time(queryset):
    """``queryset`` of work records with ``sla_due_at``: the earliest due
    time of each record's running timers (none when nothing runs), for a
    "time left" column and a "due soonest" queue."""
    from django.db.models import OuterRef, Subquery

    due = Timer.objects.filter(
        record_type=queryset.model._meta.label_lower, record_id=OuterRef("pk"),
        status__in=[TimerStatus.IN_PROGRESS, TimerStatus.BREACHED],
        stopped_at__isnull=True, due_at__isnull=False,
    ).order_by("due_at").values("due_at")[:1]
    return queryset.annotate(sla_due_at=Subquery(due))


# --- recomputing many records at once ------------------------------------------------------

TIMER_FIELDS = ("target", "status", "cycle", "started_at", "stopped_at", "elapsed", "paused",
                "target_duration", "due_at", "breached_at", "next_event_at", "computed_at",
                "opened_at", "priority", "service", "customer")


def recompute_records(queryset, *, now: datetime | None = None, batch: int = 2000) -> int:
    """Recompute the timers of every record of ``queryset`` (after a target
    or a calendar changed), a batch at a time: four reads and three writes a
    batch, the same ``timers.compute`` as a single record's recompute. No
    journal notes (nothing happened to the records); warnings and breaches
    reached are recorded once. Returns how many records were recomputed."""
    now = now or clock.now()
    model = queryset.model
    rtype = model._meta.label_lower
    # What the agreements and the timers read of a record; the rest stays
    # in the database.
    needed = ["pk", *(name for name in ("priority", "opened_at", "organization", "service")
                      if any(f.name == name for f in model._meta.concrete_fields))]
    done, last, memo = 0, 0, {}
    while True:
        records = list(queryset.filter(pk__gt=last).order_by("pk").only(*needed)[:batch])
        if not records:
            return done
        last = records[-1].pk
        ids = [r.pk for r in records]
        history: dict[int, list] = {}
        for record_id, start, end, values in RecordInterval.objects.filter(
                record_type=rtype, record_id__in=ids).order_by(
                "record_id", "start", "id").values_list("record_id", "start", "end", "values"):
            history.setdefault(record_id, []).append(engine.Segment(start, end, values))
        existing = {(t.record_id, t.agreement_id, t.kind): t for t in Timer.objects.filter(
            record_type=rtype, record_id__in=ids)}
        # Warnings and breaches already recorded are not written again.
        recorded = set(TimerEvent.objects.filter(
            timer__record_type=rtype, timer__record_id__in=ids).values_list(
            "timer_id", "name", "cycle")) if existing else set()
        changed, created, events = [], [], []
        with transaction.atomic():
            for record in records:
                for agreement, target, result in evaluate(
                        record, now=now, segments=history.get(record.pk, []), memo=memo):
                    timer = existing.get((record.pk, agreement.pk, target.kind))
                    if timer is None:
                        timer = Timer(record_type=rtype, record_id=record.pk,
                                      agreement=agreement, kind=target.kind)
                        created.append(timer)
                    else:
                        changed.append(timer)
                    timer.target = target
                    timer.status = _status(result)
                    timer.cycle = result.cycle
                    timer.started_at, timer.stopped_at = result.started_at, result.stopped_at
                    timer.elapsed, timer.paused = result.elapsed, result.paused
                    timer.target_duration, timer.due_at = result.target, result.due_at
                    timer.breached_at, timer.next_event_at = result.breached_at, \
                        result.next_event_at
                    timer.computed_at, timer.opened_at = now, record.opened_at
                    timer.priority = record.priority
                    timer.service_id = getattr(record, "service_id", None)
                    timer.customer_id = getattr(record, "organization_id", None)
                    if result.breached_at is not None:
                        events.append((timer, "breach", 0, result.breached_at))
                    events += [(timer, f"warning_{p}", result.cycle, at)
                               for p, at in result.warnings.items()]
            Timer.objects.bulk_create(created)
            update_rows(changed, TIMER_FIELDS)
            TimerEvent.objects.bulk_create(
                [TimerEvent(timer=t, name=n, cycle=c, at=at, detail=n.replace("_", " "))
                 for t, n, c, at in events if (t.pk, n, c) not in recorded],
                ignore_conflicts=True, batch_size=2000)
        done += len(records)


# --- satisfaction ------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def offer_survey(record) -> str | None:
    """Ask the record's requester how satisfied they are (once per
    resolution): a survey row and a notice with the single-use link.
    Returns the link's token (shown only in the message)."""
    from servista.notifications import services as notifications

    requester = getattr(record, "caller", None) or record.opened_by
    if requester is None or not requester.is_active:
        return None
    token = secrets.token_urlsafe(24)
    SatisfactionSurvey.objects.create(
        record_type=type_of(record), record_id=record.pk, number=record.number,
        requester=requester, service_id=getattr(record, "service_id", None),
        token_digest=_digest(token))
    link = f"{settings.SERVISTA.get('BASE_URL', '')}/service-levels/survey/{token}/"
    # In Servista's notification list only: the requester's one mail on
    # resolution is the record's own ("is it fixed?").
    notifications.notify([requester], f"{record.number} is resolved: how did we do?",
                         record=record, mail=False, body=(
                             f"{record.number} ({record.short_description}) is resolved.\n"
                             f"Tell us how satisfied you are, from 1 to 5, in one click: "
                             f"{link}\n(The link works once, without signing in.)"))
    return token


def survey_for_token(token: str) -> SatisfactionSurvey | None:
    return SatisfactionSurvey.objects.filter(token_digest=_digest(token or "")).first()


def pending_survey(record, user) -> SatisfactionSurvey | None:
    """The record's unanswered survey for ``user`` (the portal's question)."""
    return SatisfactionSurvey.objects.filter(
        record_type=type_of(record), record_id=record.pk, requester=user,
        answered_at__isnull=True).order_by("-id").first()


@transaction.atomic
def answer_survey(survey: SatisfactionSurvey, *, score, comment: str = "") -> SatisfactionSurvey:
    """Record the answer, once: a second answer is refused (409)."""
    from servista.core.exceptions import InvalidTransition

    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationFailed.field("score", "Choose a score from 1 to 5.")
    if len(comment or "") > 2000:
        raise ValidationFailed.field("comment", "Keep the comment under 2000 characters.")
    claimed = SatisfactionSurvey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
        score=score, comment=(comment or "").strip(), answered_at=clock.now())
    if not claimed:
        raise InvalidTransition("This survey has already been answered.")
    survey.refresh_from_db()
    return survey


def watermelon(*, since: datetime | None = None, until: datetime | None = None,
               green: float = 90.0, red: float = 3.0) -> list[dict]:
    """Per service and month: SLA compliance next to satisfaction; a
    service green on SLAs (percent met at least ``green``) but red on
    satisfaction (mean score at most ``red``) is flagged."""
    from django.db.models import Avg, Count
    from django.db.models.functions import TruncMonth

    compliance_rows = {}
    timers = Timer.objects.filter(Q(status__in=[TimerStatus.MET, TimerStatus.BREACHED])
                                  | Q(breached_at__isnull=False), service__isnull=False)
    surveys = SatisfactionSurvey.objects.filter(answered_at__isnull=False, service__isnull=False)
    if since is not None:
        timers, surveys = timers.filter(opened_at__gte=since), surveys.filter(sent_at__gte=since)
    if until is not None:
        timers, surveys = timers.filter(opened_at__lt=until), surveys.filter(sent_at__lt=until)
    for row in timers.annotate(month=TruncMonth("opened_at")).values(
            "service__name", "month").annotate(
            total=Count("id"), breached=Count("id", filter=Q(breached_at__isnull=False))):
        key = (row["service__name"], row["month"].strftime("%Y-%m"))
        compliance_rows[key] = 100.0 * (row["total"] - row["breached"]) / row["total"]
    scores = {}
    for row in surveys.annotate(month=TruncMonth("sent_at")).values(
            "service__name", "month").annotate(mean=Avg("score"), answers=Count("id")):
        scores[(row["service__name"], row["month"].strftime("%Y-%m"))] = (
            float(row["mean"]), row["answers"])
    out = []
    for key in sorted(set(compliance_rows) | set(scores)):
        percent = compliance_rows.get(key)
        mean, answers = scores.get(key, (None, 0))
        out.append({"service": key[0], "month": key[1],
                    "percent_met": round(percent, 1) if percent is not None else None,
                    "satisfaction": round(mean, 2) if mean is not None else None,
                    "answers": answers,
                    "watermelon": percent is not None and mean is not None
                    and percent >= green and mean <= red})
    return out
