"""The API shapes of calendars, agreements, timers and compliance."""

from datetime import date, datetime, time
from typing import Literal

from ninja import Field, Schema

from servista.core.schemas import DateTimeIn, InputSchema, Ref

from .choices import TargetKind
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
