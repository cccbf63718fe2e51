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

from servista.core import audit, clock
from servista.core.bulk import update_rows
from servista.core.exceptions import ValidationFailed
from servista.core.journal import write_entry
from servista.core.models.journal import JournalKind
from servista.core.refcache import RefCache
from servista.core.services import observe_records
from servista.notifications import services as notifications_mail
from servista.notifications import webhooks

from . import timers as engine
from .business_time import DAY_MINUTES, Schedule, check_spans
from .choices import AgreementKind, TargetKind, TimerStatus
from .models import (
    Agreement,
    Calendar,
    CalendarException,
    Escalation,
    GroupHours,
    Holiday,
    RecordInterval,
    SatisfactionSurvey,
    ServiceHours,
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


def touch_calendar(calendar: Calendar) -> None:
    """The calendar's hours changed elsewhere (the admin's inlines): its
    arithmetic is read again."""
    _touch(calendar)


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


# --- calendars and agreements written through the API (and the command line) ---------
# One transaction each: every input is checked before anything is stored, a
# bad one answers 422 naming its field, and each change leaves one journal
# entry with the weekly hours, holidays, exceptions and targets it changed.

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CALENDAR_FIELDS = ("name", "time_zone", "country", "subdivision", "description")
AGREEMENT_FIELDS = ("name", "kind", "record_type", "customer", "service", "group", "supplier",
                    "calendar", "active", "description")
TARGET_FIELDS = ("kind", "priority", "minutes", "calendar", "start_when", "pause_when",
                 "stop_when", "cancel_when", "reset_when", "warnings")


def _require(actor, action: str, model, obj=None) -> None:
    from servista.core.permissions import policy_for

    policy_for(model).require(actor, action, obj)


def _listed(values) -> audit.Value:
    values = [str(v) for v in values]
    return audit.Value(values, ", ".join(values))


def _calendar_state(calendar: Calendar) -> dict:
    """The calendar's journaled values, its hours, holidays and exceptions included."""
    if calendar.pk is None:
        return {}
    return {**audit.snapshot(calendar),
            "hours": _listed(WorkingHours.objects.filter(calendar=calendar)),
            "holidays": _listed(Holiday.objects.filter(calendar=calendar)),
            "exceptions": _listed(
                f"{row.date} {row.start:%H:%M}–{row.end:%H:%M}" if row.start else
                f"{row.date} closed" for row in CalendarException.objects.filter(
                    calendar=calendar))}


def _journal(obj, actor, before: dict, after: dict, body: str) -> None:
    changes = audit.diff(before or None, after)
    if changes:
        write_entry(obj, actor, JournalKind.CHANGE, body=body, changes=changes)


def _weekly(rows, field: str = "hours") -> dict:
    """[{weekday, start, end}] as set_hours takes them ({weekday: [[start, end]]})."""
    weekly: dict[int, list] = {}
    for i, row in enumerate(rows):
        day = row.get("weekday")
        if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
            raise ValidationFailed.field(f"{field}.{i}.weekday",
                                         f"Weekday {day} is not 0 (Monday) to 6 (Sunday).")
        weekly.setdefault(day, []).append([str(row.get("start")), str(row.get("end"))])
    for day, spans in weekly.items():
        parsed = [(_time(a, field), _time(b, field)) for a, b in spans]
        try:
            check_spans([(_minute(a), _minute(b, end=True)) for a, b in parsed])
        except ValueError as exc:
            raise ValidationFailed.field(field, f"{WEEKDAYS[day]}: {exc}") from None
    return weekly


def _set_holidays(calendar: Calendar, rows) -> None:
    seen = set()
    for i, row in enumerate(rows):
        if row["date"] in seen:
            raise ValidationFailed.field(f"holidays.{i}.date",
                                         f"{row['date']} is listed twice.")
        seen.add(row["date"])
    Holiday.objects.filter(calendar=calendar).delete()
    for row in rows:
        _save_valid(Holiday(calendar=calendar, date=row["date"], name=row.get("name") or ""))


def _set_exceptions(calendar: Calendar, rows) -> None:
    days: dict[date, dict] = {}
    for i, row in enumerate(rows):
        start, end = row.get("start"), row.get("end")
        if (start is None) != (end is None):
            raise ValidationFailed.field(f"exceptions.{i}.end", "Give a start and an end, or "
                                                                "neither (the day is closed).")
        day = days.setdefault(row["date"], {"name": row.get("name") or "", "hours": []})
        if start is not None:
            day["hours"].append([str(start), str(end)])
    CalendarException.objects.filter(calendar=calendar).delete()
    for day, spec in days.items():
        try:
            add_exception(calendar, None, day, name=spec["name"], hours=spec["hours"])
        except ValidationFailed as exc:
            raise ValidationFailed.field("exceptions", f"{day}: {exc.detail}") from None


@transaction.atomic
def save_calendar(actor, data: dict, calendar: Calendar | None = None) -> Calendar:
    """Create (no ``calendar``) or change a calendar from ``data``: its
    fields, ``hours`` ([{weekday, start, end}], several a day, none
    overlapping), ``holidays`` ([{date, name}]) and ``exceptions`` ([{date,
    name, start, end}], no hours: closed). A list given replaces the one
    stored; one left out is kept."""
    _require(actor, "change" if calendar else "create", Calendar, calendar)
    if calendar is not None:
        calendar = Calendar.objects.select_for_update().get(pk=calendar.pk)
    before = _calendar_state(calendar) if calendar else {}
    name = data.get("name", calendar.name if calendar else None)
    if not name or not str(name).strip():
        raise ValidationFailed.field("name", "A calendar needs a name.")
    if Calendar.objects.filter(name=name).exclude(pk=getattr(calendar, "pk", None)).exists():
        raise ValidationFailed.field("name", f"A calendar named '{name}' exists.")
    weekly = _weekly(data["hours"]) if data.get("hours") is not None else None
    calendar = calendar or Calendar()
    for field in CALENDAR_FIELDS:
        if field in data and data[field] is not None:
            setattr(calendar, field, data[field])
    calendar.updated_at = clock.now()
    _save_valid(calendar)
    if weekly is not None:
        set_hours(calendar, actor, weekly)
    if data.get("holidays") is not None:
        _set_holidays(calendar, data["holidays"])
    if data.get("exceptions") is not None:
        _set_exceptions(calendar, data["exceptions"])
    _touch(calendar)
    _journal(calendar, actor, before, _calendar_state(calendar),
             "Changed" if before else "Created")
    return calendar


def _target_text(target: Target) -> str:
    prio = f"P{target.priority}" if target.priority else "any priority"
    parts = [f"{target.kind} {prio} {target.duration_text}"]
    if target.calendar_id:
        parts.append(f"in {target.calendar}")
    if target.warnings:
        parts.append("warnings " + "/".join(f"{p}%" for p in target.warnings))
    for name in ("start_when", "pause_when", "stop_when", "cancel_when", "reset_when"):
        if getattr(target, name):
            parts.append(f"{name.replace('_', ' ')} {getattr(target, name)}")
    return "; ".join(parts)


def _agreement_state(agreement: Agreement) -> dict:
    if agreement.pk is None:
        return {}
    targets = Target.objects.filter(agreement=agreement).select_related("calendar")
    return {**audit.snapshot(agreement), "targets": _listed(_target_text(t) for t in targets)}


def _check_parties(agreement: Agreement) -> None:
    """Each kind has the party it is with: an OLA a group, a UC a supplier;
    an SLA is with a customer or for a service (or for every record), never
    with a supplier."""
    from servista.core.models import WorkRecord

    kind = agreement.kind
    if kind == AgreementKind.OLA and agreement.group_id is None:
        raise ValidationFailed.field("group", "An OLA is with an assignment group: name it.")
    if kind == AgreementKind.UC and agreement.supplier_id is None:
        raise ValidationFailed.field("supplier", "A UC is with a supplier: name it.")
    if kind != AgreementKind.UC and agreement.supplier_id is not None:
        raise ValidationFailed.field("supplier", "Only a UC is with a supplier.")
    if kind == AgreementKind.OLA and agreement.customer_id is not None:
        raise ValidationFailed.field("customer", "An OLA is internal: it has no customer.")
    try:
        model = apps.get_model(agreement.record_type)
    except (LookupError, ValueError):
        model = None
    if model is None or not issubclass(model, WorkRecord):
        raise ValidationFailed.field("record_type", f"'{agreement.record_type}' is not a kind "
                                                    "of work record (e.g. incidents.incident).")


def _target_rows(rows) -> list[dict]:
    seen = set()
    for i, row in enumerate(rows):
        key = (row.get("kind"), row.get("priority"))
        if key in seen:
            raise ValidationFailed.field(f"targets.{i}.priority",
                                         "Two targets of the same kind for the same priority.")
        seen.add(key)
        minutes = row.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
            raise ValidationFailed.field(f"targets.{i}.minutes",
                                         "The target is a duration of at least 1 minute.")
    return rows


def _set_targets(agreement: Agreement, rows: list[dict]) -> None:
    """Make the agreement's targets those of ``rows``: a target of the same
    kind and priority is changed in place (its timers keep it), others are
    added; a target left out is removed unless timers were measured by it."""
    existing = {(t.kind, t.priority): t for t in Target.objects.filter(agreement=agreement)}
    kept = set()
    for i, row in enumerate(rows):
        key = (row.get("kind", TargetKind.RESOLUTION), row.get("priority"))
        target = existing.get(key) or Target(agreement=agreement)
        for field in TARGET_FIELDS:
            if field in row:
                setattr(target, field, row[field] if row[field] is not None or field in (
                    "priority", "calendar") else getattr(target, field))
        try:
            target.full_clean(exclude=["agreement"], validate_unique=False,
                              validate_constraints=False)
        except ValidationError as exc:
            failed = ValidationFailed.from_django(exc)
            errors = {f"targets.{i}.{k}": v for k, v in failed.errors.items()}
            first = next(iter(errors.items()))
            raise ValidationFailed(f"{first[0]}: {first[1][0]}", errors) from None
        target.save()
        kept.add(target.pk)
    for key, target in existing.items():
        if target.pk in kept:
            continue
        if Timer.objects.filter(target=target).exists():
            raise ValidationFailed.field(
                "targets", f"The {target.kind} target for "
                           f"{'P' + str(key[1]) if key[1] else 'any priority'} has measured "
                           "timers: keep it (change its duration instead).")
        target.delete()


def recompute_agreement(agreement: Agreement) -> int:
    """Recompute the open timers of the agreement (its targets or calendar
    changed), through the batch recompute. Returns how many records."""
    done = 0
    running = Timer.objects.filter(agreement=agreement, status__in=TimerStatus.RUNNING)
    for record_type in sorted(set(running.values_list("record_type", flat=True))):
        ids = running.filter(record_type=record_type).values("record_id")
        done += recompute_records(apps.get_model(record_type)._base_manager.filter(pk__in=ids))
    return done


@transaction.atomic
def save_agreement(actor, data: dict, agreement: Agreement | None = None) -> Agreement:
    """Create (no ``agreement``) or change an agreement from ``data``
    (references already objects): its fields and, when given, ``targets``
    ([{kind, priority, minutes, calendar, start/pause/stop/cancel/reset_when,
    warnings}], replacing those stored). A change of targets or calendar
    recomputes the open timers it measures."""
    _require(actor, "change" if agreement else "create", Agreement, agreement)
    if agreement is not None:
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    before = _agreement_state(agreement) if agreement else {}
    rows = _target_rows(data["targets"]) if data.get("targets") is not None else None
    agreement = agreement or Agreement()
    for field in AGREEMENT_FIELDS:
        if field in data:
            setattr(agreement, field, data[field])
    name = agreement.name
    if Agreement.objects.filter(name=name).exclude(pk=agreement.pk).exists():
        raise ValidationFailed.field("name", f"An agreement named '{name}' exists.")
    try:
        agreement.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from None
    _check_parties(agreement)
    agreement.save()
    if rows is not None:
        _set_targets(agreement, rows)
    after = _agreement_state(agreement)
    _journal(agreement, actor, before, after, "Changed" if before else "Created")
    if before and (before["targets"].raw != after["targets"].raw
                   or before["calendar"].raw != after["calendar"].raw):
        _agreements.clear()
        recompute_agreement(agreement)
    return agreement


# --- the working hours of groups and the hours of services ----------------------------------


def _load_hours() -> dict:
    """{("group" or "service", id): calendar} of every group's working hours
    and every service's hours."""
    found = {("group", row.group_id): row.calendar
             for row in GroupHours.objects.select_related("calendar")}
    found.update({("service", row.service_id): row.calendar
                  for row in ServiceHours.objects.select_related("calendar")})
    return found


_hours = RefCache(_load_hours, models=[GroupHours, ServiceHours, Calendar], ttl=60)


@transaction.atomic
def set_group_hours(group, actor, calendar: Calendar | None) -> GroupHours | None:
    """The group works ``calendar``'s hours (None: no hours of its own)."""
    return _set_hours_of(GroupHours, "group", group, actor, calendar)


@transaction.atomic
def set_service_hours(service, actor, calendar: Calendar | None) -> ServiceHours | None:
    """The service is offered in ``calendar``'s hours (None: no hours of its own)."""
    return _set_hours_of(ServiceHours, "service", service, actor, calendar)


def _set_hours_of(model, field: str, owner, actor, calendar):
    row = model.objects.select_for_update().filter(**{field: owner}).first()
    if row is None and calendar is None:
        return None
    _require(actor, "change" if row else "create", model, row)
    if calendar is None:
        with audit.deleting(row, actor):
            row.delete()
        return None
    if row is None:
        row = model.objects.create(**{field: owner, "calendar": calendar})
        audit.journal_created(row, actor)
        return row
    with audit.changing(row, actor):
        row.calendar = calendar
        row.save(update_fields=["calendar"])
    return row


def hours_of(owner) -> Calendar | None:
    """The calendar of a group's working hours or of a service's hours."""
    kind = "group" if owner._meta.label_lower == "accounts.group" else "service"
    return _hours.get().get((kind, owner.pk))


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
    """The target's calendar; else the agreement's; else, for an OLA, its
    group's working hours; else, for an SLA for a service, the service's
    hours; else none (round the clock). Read from memory (no query)."""
    if target.calendar_id is not None:
        return target.calendar
    if agreement.calendar_id is not None:
        return agreement.calendar
    if agreement.kind == AgreementKind.OLA and agreement.group_id is not None:
        return _hours.get().get(("group", agreement.group_id))
    if agreement.kind == AgreementKind.SLA and agreement.service_id is not None:
        return _hours.get().get(("service", agreement.service_id))
    return None


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


def escalation_mail(event: TimerEvent, timer: Timer, record, label: str) -> tuple[str, str, dict]:
    """(kind, built-in words, template context) of the mail a warning or a
    breach sends: each kind has its own words (``sla/mail/<kind>.md``), its
    own administrator's template and its own place in people's preferences."""
    from django.template.loader import render_to_string

    breach = event.name == "breach"
    kind = "sla_breach" if breach else "sla_warning"
    percent = None if breach else int(event.name.split("_")[-1])
    # What was left when the threshold was reached (not when the job ran).
    left = timedelta(0) if breach else timer.target_duration * (100 - percent) / 100
    context = {
        "label": label, "agreement": timer.agreement.name, "target": timer.get_kind_display(),
        "percent": percent,
        "due_at": f"{timer.due_at:%Y-%m-%d %H:%M} UTC" if timer.due_at else "",
        "remaining": _text(left), "target_duration": timer.target.duration_text,
        "reached_at": f"{event.at:%Y-%m-%d %H:%M} UTC",
    }
    body = render_to_string(f"sla/mail/{kind}.md", {**context, "record": record}).strip()
    return kind, body, context


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
            kind, body, context = escalation_mail(event, timer, record, label)
            sent = notifications.notify(people, subject, record=record, kind=kind,
                                        context=context, body=body)
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
    # Kept on the record in memory for the resolution mail (``survey_in_mail``).
    record.__dict__.setdefault("_survey_links", {})[requester.pk] = link
    # In Servista's notification list only: the requester's one mail on
    # resolution is the record's own ("is it fixed?").
    notifications.notify([requester], f"{record.number} is resolved: how did we do?",
                         record=record, mail=False, body=(
                             f"{record.number} ({record.short_description}) is resolved.\n"
                             f"Tell us how satisfied you are, from 1 to 5, in one click: "
                             f"{link}\n(The link works once, without signing in.)"))
    return token


def survey_in_mail(record, user) -> tuple[str, dict] | None:
    """The words the "resolved" mail to ``user`` adds: the absolute link of
    the survey just offered to them for this resolution (none offered: none)."""
    from servista.notifications.services import absolute_url

    link = getattr(record, "_survey_links", {}).get(user.pk)
    if link is None:
        return None
    url = absolute_url(link)
    return (f"How did we do? [Tell us from 1 to 5]({url}) — one click, no sign-in; the "
            "link works once.", {"survey_url": url})


notifications_mail.add_to_mail("resolved", survey_in_mail)


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
