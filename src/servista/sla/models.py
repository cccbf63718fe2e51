"""Calendars, agreements and their targets, the history of every record
as intervals, and the timers computed from them (``timers.compute``)."""

import zoneinfo
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from servista.core import clock
from servista.core.choices import Priority

from .choices import AgreementKind, TargetKind, TimerStatus


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a time zone of the tz database.")


def validate_condition(value) -> None:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, list) for k, v in value.items()):
        raise ValidationError("A condition is {field: [values]}.")


def validate_warnings(value) -> None:
    if not isinstance(value, list) or not all(
            isinstance(p, int) and 0 < p < 100 for p in value):
        raise ValidationError("Warning thresholds are whole percents between 1 and 99.")


class Calendar(models.Model):
    """Business hours: a time zone, weekly hours, holidays and exceptions."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    country = models.CharField(max_length=8, blank=True,
                               help_text="ISO country code whose public holidays are generated")
    subdivision = models.CharField(max_length=16, blank=True,
                                   help_text="Region of the country (ISO 3166-2), if any")
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class WorkingHours(models.Model):
    """One interval of a weekday's hours (several make a split day)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(
        choices=[(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"),
                 (4, "Friday"), (5, "Saturday"), (6, "Sunday")])
    start = models.TimeField()
    end = models.TimeField(help_text="00:00 means midnight at the end of the day")

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name_plural = "working hours"

    def __str__(self):
        end = "24:00" if self.end.hour == self.end.minute == 0 else f"{self.end:%H:%M}"
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{end}"


class Holiday(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=150, blank=True)
    generated = models.BooleanField(default=False,
                                    help_text="Generated from the country's public holidays")

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"],
                                               name="holiday_once_per_day")]

    def __str__(self):
        return f"{self.date} {self.name}"


class CalendarException(models.Model):
    """A date with hours of its own (an extra working day, a shortened
    day); a row without hours closes the day. Several rows of a date make
    a split day."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField()
    name = models.CharField(max_length=150, blank=True)
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "start"]

    def __str__(self):
        return f"{self.date} {self.name}"


class Agreement(models.Model):
    """An SLA (with a customer organization or for a service), an OLA (with
    an internal assignment group) or a UC (with a supplier organization)."""

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=8, choices=AgreementKind.choices,
                            default=AgreementKind.SLA)
    record_type = models.CharField(max_length=64, default="incidents.incident",
                                   help_text="app_label.model of the work records it covers")
    customer = models.ForeignKey("accounts.Organization", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.Service", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("accounts.Group", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              help_text="The assignment group an OLA or UC is with")
    supplier = models.ForeignKey("accounts.Organization", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    calendar = models.ForeignKey(Calendar, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="agreements",
                                 help_text="Default calendar of its targets; none: 24×7")
    active = models.BooleanField(default=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Target(models.Model):
    """What an agreement promises for a kind of target and a priority."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=16, choices=TargetKind.choices,
                            default=TargetKind.RESOLUTION)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, null=True, blank=True,
                                                help_text="Empty: every priority")
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(1),
                                                      MaxValueValidator(60 * 24 * 366)],
                                          help_text="Target in business minutes")
    calendar = models.ForeignKey(Calendar, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="targets",
                                 help_text="Empty: the agreement's calendar")
    start_when = models.JSONField(default=dict, blank=True, validators=[validate_condition])
    pause_when = models.JSONField(default=dict, blank=True, validators=[validate_condition])
    stop_when = models.JSONField(default=dict, blank=True, validators=[validate_condition])
    cancel_when = models.JSONField(default=dict, blank=True, validators=[validate_condition])
    reset_when = models.JSONField(default=dict, blank=True, validators=[validate_condition])
    warnings = models.JSONField(default=list, blank=True, validators=[validate_warnings])

    class Meta:
        ordering = ["agreement", "kind", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind", "priority"],
                                    name="target_once_per_priority"),
            models.UniqueConstraint(fields=["agreement", "kind"],
                                    condition=models.Q(priority__isnull=True),
                                    name="target_once_for_any_priority"),
        ]

    def __str__(self):
        prio = f"P{self.priority}" if self.priority else "any priority"
        return f"{self.agreement}: {self.get_kind_display().lower()} {prio} {self.duration_text}"

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    @property
    def duration_text(self) -> str:
        hours, minutes = divmod(self.minutes, 60)
        return f"{hours}h{minutes:02d}" if minutes else f"{hours}h"


class RecordInterval(models.Model):
    """From ``start`` until ``end`` (open: until now) the record had
    ``values`` (state, group, priority, hold reason...)."""

    record_type = models.CharField(max_length=64)
    record_id = models.PositiveBigIntegerField()
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    values = models.JSONField(default=dict)

    class Meta:
        ordering = ["record_type", "record_id", "start", "id"]
        indexes = [models.Index(fields=["record_type", "record_id", "start"],
                                name="interval_record")]

    def __str__(self):
        return f"{self.record_type}:{self.record_id} from {self.start:%Y-%m-%d %H:%M}"


class Timer(models.Model):
    """The stored result of ``timers.compute`` for one target kind of an
    agreement on one record (recomputed on every change and by the job)."""

    record_type = models.CharField(max_length=64)
    record_id = models.PositiveBigIntegerField()
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="timers")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="timers")
    kind = models.CharField(max_length=16, choices=TargetKind.choices)
    status = models.CharField(max_length=16, choices=TimerStatus.choices,
                              default=TimerStatus.NOT_STARTED)
    cycle = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    elapsed = models.DurationField(default=timedelta)
    paused = models.DurationField(default=timedelta)
    target_duration = models.DurationField(default=timedelta)
    due_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    next_event_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(default=clock.now)
    # Copied from the record at each recompute, for the compliance report.
    opened_at = models.DateTimeField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(null=True, blank=True)
    service = models.ForeignKey("catalog.Service", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    customer = models.ForeignKey("accounts.Organization", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["record_type", "record_id", "kind", "id"]
        constraints = [models.UniqueConstraint(
            fields=["record_type", "record_id", "agreement", "kind"], name="timer_once")]
        indexes = [
            models.Index(fields=["record_type", "record_id"], name="timer_record"),
            models.Index(fields=["next_event_at"], name="timer_next_event",
                         condition=models.Q(next_event_at__isnull=False)),
            models.Index(fields=["record_type", "status", "due_at"], name="timer_due"),
            models.Index(fields=["opened_at"], name="timer_opened"),
        ]

    def __str__(self):
        return (f"{self.agreement} {self.get_kind_display().lower()} on "
                f"{self.record_type}:{self.record_id}")

    @property
    def remaining(self) -> timedelta:
        return max(self.target_duration - self.elapsed, timedelta(0))

    @property
    def is_breached(self) -> bool:
        return self.breached_at is not None


class TimerEvent(models.Model):
    """A warning or breach reached, a re-target, a pause or resume: each
    happens once per timer (and cycle), so nothing fires twice."""

    timer = models.ForeignKey(Timer, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=32, help_text="warning_75, breach, retarget...")
    cycle = models.PositiveIntegerField(default=0)
    at = models.DateTimeField()
    detail = models.CharField(max_length=300, blank=True)
    handled = models.BooleanField(default=False, help_text="Escalations and messages done")

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["timer", "name", "cycle"],
                                               name="timer_event_once")]
        indexes = [models.Index(fields=["handled", "at"], name="timer_event_pending")]

    def __str__(self):
        return f"{self.name} of {self.timer_id} at {self.at:%Y-%m-%d %H:%M}"


class Escalation(models.Model):
    """What happens when a timer of the agreement reaches an event: tell
    people, move the record to another group, or raise its priority. Each
    runs once per event, and is journaled on the record."""

    NOTIFY, REASSIGN, RAISE_PRIORITY = "notify", "reassign", "raise_priority"
    ACTIONS = [(NOTIFY, "Notify"), (REASSIGN, "Reassign"), (RAISE_PRIORITY, "Raise priority")]

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE,
                                  related_name="escalations")
    kind = models.CharField(max_length=16, choices=TargetKind.choices, blank=True,
                            help_text="Empty: timers of either kind")
    on = models.CharField(max_length=32, default="breach",
                          help_text="breach, or warning_<percent> (e.g. warning_75)")
    action = models.CharField(max_length=16, choices=ACTIONS, default=NOTIFY)
    notify_assignee = models.BooleanField(default=True)
    notify_group_manager = models.BooleanField(default=True)
    notify_users = models.ManyToManyField("accounts.User", blank=True, related_name="+")
    group = models.ForeignKey("accounts.Group", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text="Where a reassignment moves the record")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, null=True, blank=True,
                                                help_text="The priority it is raised to")

    class Meta:
        ordering = ["agreement", "on", "id"]

    def __str__(self):
        return f"{self.agreement}: {self.get_action_display().lower()} on {self.on}"


class SatisfactionSurvey(models.Model):
    """The one question put to a record's requester when it is resolved:
    1 (very dissatisfied) to 5 (very satisfied), with a comment. Answered
    once, from the portal or from the email's link (its token, stored
    hashed, is the only key: no sign-in needed)."""

    record_type = models.CharField(max_length=64)
    record_id = models.PositiveBigIntegerField()
    number = models.CharField(max_length=20)
    requester = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("catalog.Service", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    token_digest = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(default=clock.now)
    score = models.PositiveSmallIntegerField(null=True, blank=True,
                                             validators=[MinValueValidator(1),
                                                         MaxValueValidator(5)])
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="survey_record"),
                   models.Index(fields=["service", "answered_at"], name="survey_service")]

    def __str__(self):
        return f"{self.number}: {self.score or 'unanswered'}"


class GroupHours(models.Model):
    """The working hours of an assignment group: an OLA with the group and
    without a calendar of its own counts in these hours."""

    group = models.OneToOneField("accounts.Group", on_delete=models.CASCADE,
                                 related_name="sla_hours")
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["group__name"]
        verbose_name = "group working hours"
        verbose_name_plural = "group working hours"

    def __str__(self):
        return f"{self.group}: {self.calendar}"


class ServiceHours(models.Model):
    """The hours a service is offered in: an SLA for the service and
    without a calendar of its own counts in these hours."""

    service = models.OneToOneField("catalog.Service", on_delete=models.CASCADE,
                                   related_name="sla_hours")
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["service__name"]
        verbose_name = "service hours"
        verbose_name_plural = "service hours"

    def __str__(self):
        return f"{self.service}: {self.calendar}"
