"""The API shapes of calendars, agreements, timers and compliance."""

from datetime import date, datetime, time
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictStr, StringConstraints

from servista.core.schemas import (
    DateIn,
    DateTimeIn,
    InputSchema,
    Ref,
    RefIn,
    WholeInt,
)

from .choices import AgreementKind, TargetKind
from .services import DIMENSIONS


class WorkingHoursOut(Schema):
    weekday: int
    start: time
    end: time


class HolidayOut(Schema):
    date: date
    name: str
    generated: bool


class CalendarExceptionOut(Schema):
    date: date
    name: str
    start: time | None
    end: time | None


class CalendarOut(Schema):
    id: int
    name: str
    time_zone: str
    country: str
    subdivision: str
    description: str
    hours: list[WorkingHoursOut]
    holidays: list[HolidayOut]
    exceptions: list[CalendarExceptionOut]

    @staticmethod
    def resolve_hours(obj):
        return list(obj.hours.all())

    @staticmethod
    def resolve_holidays(obj):
        return list(obj.holidays.all())

    @staticmethod
    def resolve_exceptions(obj):
        return list(obj.exceptions.all())


class TargetOut(Schema):
    id: int
    kind: str
    priority: int | None
    minutes: int
    calendar: Ref | None
    start_when: dict
    pause_when: dict
    stop_when: dict
    cancel_when: dict
    reset_when: dict
    warnings: list[int]


class AgreementOut(Schema):
    id: int
    name: str
    kind: str
    record_type: str
    customer: Ref | None
    service: Ref | None
    group: Ref | None
    supplier: Ref | None
    calendar: Ref | None
    active: bool
    description: str
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(obj):
        return list(obj.targets.all())


class TimerPartOut(Schema):
    start: datetime
    end: datetime
    kind: Literal["counted", "paused", "not_running"]
    business_minutes: float
    why: str


class TimerOut(Schema):
    id: int
    agreement: Ref
    agreement_kind: str
    kind: str
    status: str
    cycle: int
    target_minutes: float
    elapsed_minutes: float
    paused_minutes: float
    remaining_minutes: float
    percent: float
    started_at: datetime | None
    stopped_at: datetime | None
    due_at: datetime | None
    breached_at: datetime | None
    warnings: dict[str, datetime]
    explanation: list[TimerPartOut]


class RecordTimersOut(Schema):
    record: str
    timers: list[TimerOut]


class ComplianceQuery(InputSchema):
    by: Literal[tuple(DIMENSIONS)] = "service"
    kind: Literal[tuple(TargetKind.values)] | None = None
    since: DateTimeIn | None = Field(None, description="Records opened from")
    until: DateTimeIn | None = Field(None, description="Records opened before")


class ComplianceRowOut(Schema):
    group: str | int
    total: int
    met: int
    breached: int
    percent_met: float | None
    mean_first_response_minutes: float | None
    mean_resolve_minutes: float | None


class ComplianceOut(Schema):
    by: str
    rows: list[ComplianceRowOut]


class WatermelonQuery(InputSchema):
    since: DateTimeIn | None = Field(None, description="Records opened (surveys sent) from")
    until: DateTimeIn | None = Field(None, description="Records opened (surveys sent) before")


class WatermelonRowOut(Schema):
    service: str
    month: str
    percent_met: float | None
    satisfaction: float | None
    answers: int
    watermelon: bool


# --- input: calendars, agreements, and the hours of groups and services -------------------

TimeText = Annotated[StrictStr, StringConstraints(min_length=4, max_length=8)]
KindValue = Literal[tuple(TargetKind.values)]
AgreementKindValue = Literal[tuple(AgreementKind.values)]
# {field of the record: [values]}, e.g. {"state": ["on_hold"]}; no NUL in a
# field's name either (the document says so: no text of Servista holds one).
Condition = dict[str, list[str | int | None]]
NO_NUL_KEYS = {"propertyNames": {"pattern": "^[^\u0000]*$"}}


def condition(description: str):
    return Field(default_factory=dict, description=description,
                 json_schema_extra=NO_NUL_KEYS)


class WorkingHoursIn(InputSchema):
    weekday: WholeInt = Field(..., description="0 (Monday) to 6 (Sunday)")
    start: TimeText = Field(..., description="HH:MM in the calendar's time zone")
    end: TimeText = Field(..., description="HH:MM; 24:00 (or 00:00) is the end of the day")


class HolidayIn(InputSchema):
    date: DateIn
    name: str = Field("", max_length=150)


class CalendarExceptionIn(InputSchema):
    date: DateIn
    name: str = Field("", max_length=150)
    start: TimeText | None = Field(None, description="No hours: the day is closed")
    end: TimeText | None = None


class CalendarIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    time_zone: str = Field("UTC", max_length=64, description="A tz database name")
    country: str = Field("", max_length=8)
    subdivision: str = Field("", max_length=16)
    description: str = ""
    hours: list[WorkingHoursIn] = Field(default_factory=list, max_length=200,
                                        description="Several intervals a weekday")
    holidays: list[HolidayIn] = Field(default_factory=list, max_length=2000)
    exceptions: list[CalendarExceptionIn] = Field(default_factory=list, max_length=2000)


class CalendarPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=100)
    time_zone: str = Field(None, max_length=64)
    country: str = Field(None, max_length=8)
    subdivision: str = Field(None, max_length=16)
    description: str = None
    hours: list[WorkingHoursIn] = Field(None, max_length=200,
                                        description="Replaces the weekly hours")
    holidays: list[HolidayIn] = Field(None, max_length=2000, description="Replaces them")
    exceptions: list[CalendarExceptionIn] = Field(None, max_length=2000,
                                                  description="Replaces them")


class TargetIn(InputSchema):
    kind: KindValue = "resolution"
    priority: Literal[1, 2, 3, 4, 5] | None = Field(None, description="None: every priority")
    minutes: WholeInt = Field(..., description="The target, in business minutes")
    calendar: RefIn | None = Field(None, description="None: the agreement's calendar")
    start_when: Condition = condition("When the timer starts: {field: [values]}")
    pause_when: Condition = condition("When it pauses, e.g. {\"state\": [\"on_hold\"]}")
    stop_when: Condition = condition("When it stops (met or breached)")
    cancel_when: Condition = condition("When it is cancelled")
    reset_when: Condition = condition("When it starts again from zero (reopened)")
    warnings: list[WholeInt] = Field(default_factory=list, max_length=10,
                                     description="Percents of the target, 1 to 99")


class AgreementIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=150)
    kind: AgreementKindValue = "sla"
    record_type: str = Field("incidents.incident", max_length=64)
    customer: RefIn | None = None
    service: RefIn | None = None
    group: RefIn | None = Field(None, description="The assignment group of an OLA")
    supplier: RefIn | None = Field(None, description="The supplier of a UC")
    calendar: RefIn | None = None
    active: bool = True
    description: str = ""
    targets: list[TargetIn] = Field(default_factory=list, max_length=50)


class AgreementPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=150)
    kind: AgreementKindValue = None
    record_type: str = Field(None, max_length=64)
    customer: RefIn | None = None
    service: RefIn | None = None
    group: RefIn | None = None
    supplier: RefIn | None = None
    calendar: RefIn | None = None
    active: bool = None
    description: str = None
    targets: list[TargetIn] = Field(None, max_length=50,
                                    description="Replaces the targets; open timers are "
                                                "recomputed")


class GroupHoursOut(Schema):
    id: int
    group: Ref
    calendar: Ref


class GroupHoursIn(InputSchema):
    group: RefIn
    calendar: RefIn


class ServiceHoursOut(Schema):
    id: int
    service: Ref
    calendar: Ref


class ServiceHoursIn(InputSchema):
    service: RefIn
    calendar: RefIn


class HoursPatch(InputSchema):
    calendar: RefIn
