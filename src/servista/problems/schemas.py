
"""The API shapes of problems, known errors, trends and problem candidates."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from servista.core.records.schemas import Level, PriorityValue
from servista.core.schemas import (
    DateIn,
    InputSchema,
    Ref,
    RefIn,
    UserRef,
    WholeInt,
    WholeNumber,
    members,
)

from .choices import (
    FISHBONE_CATEGORIES,
    CauseKind,
    Dimension,
    ProblemResolution,
    ProblemState,
    RcaMethod,
    Source,
)

StateValue = Literal[tuple(ProblemState.values)]
ProbabilityValue = Annotated[Literal[1, 2, 3], WholeNumber]
SourceValue = Literal[tuple(Source.values)]
MethodValue = Literal[(*RcaMethod.values, "")]
ResolutionValue = Literal[(*ProblemResolution.values, "")]
DimensionValue = Literal[tuple(Dimension.values)]


class Cause(InputSchema):
    cause: str
    kind: Literal[tuple(CauseKind.values)] = CauseKind.OCCURRENCE


class Why(InputSchema):
    why: str = ""
    because: str = ""


class TimelineEvent(InputSchema):
    at: str = ""
    what: str = ""


class RcaIn(InputSchema):
    """The analysis, structured by its method: ``whys`` (5 whys), ``effect``
    and ``bones`` by category (fishbone), ``events`` (timeline), ``notes``
    (other). The service says which the method needs."""

    whys: list[Why] | None = None
    effect: str | None = None
    bones: dict[Literal[FISHBONE_CATEGORIES], list[str]] | None = None
    events: list[TimelineEvent] | None = None
    notes: str | None = None


class ProblemOut(Schema):
    id: int
    number: str
    short_description: str
    description: str
    state: StateValue
    impact: int
    probability: int
    priority: int
    priority_overridden: bool
    source: str
    category: Ref | None
    symptoms: str
    workaround: str
    root_cause: str
    rca_method: str
    rca: dict
    contributing_causes: list[dict]
    known_error: bool
    known_error_at: datetime | None
    review_due: date | None
    reviewed_at: datetime | None
    workaround_applied_count: int
    resolution_code: str
    resolution_notes: str
    resolved_at: datetime | None
    resolved_by: UserRef | None
    service: Ref | None
    configuration_item: Ref | None
    affected_services: list[Ref]
    affected_cis: list[Ref]
    assignment_group: Ref | None
    assigned_to: UserRef | None
    opened_by: UserRef
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    version: int

    @staticmethod
    def resolve_known_error(obj):
        return obj.is_known_error

    @staticmethod
    def resolve_affected_services(obj):
        return members(obj, "affected_services")

    @staticmethod
    def resolve_affected_cis(obj):
        return members(obj, "affected_cis")


class ProblemIn(InputSchema):
    short_description: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    service: RefIn | None = None
    configuration_item: RefIn | None = None
    affected_services: list[RefIn] = []
    affected_cis: list[RefIn] = []
    impact: Level = 2
    probability: ProbabilityValue = 2
    source: SourceValue = Source.INCIDENTS
    category: RefIn | None = None
    symptoms: str = ""
    workaround: str = ""
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    incidents: list[RefIn] = Field([], max_length=500,
                                   description="Incidents this problem causes (linked at once)")
    hold: StrictBool = Field(False, description="Put the open incidents on hold awaiting it")


class ProblemPatch(InputSchema):
    short_description: str = Field(None, min_length=1, max_length=200)
    description: str = None
    service: RefIn | None = None
    configuration_item: RefIn | None = None
    affected_services: list[RefIn] = None
    affected_cis: list[RefIn] = None
    impact: Level = None
    probability: ProbabilityValue = None
    source: SourceValue = None
    category: RefIn | None = None
    symptoms: str = None
    workaround: str = None
    root_cause: str = None
    rca_method: MethodValue = None
    rca: RcaIn = None
    contributing_causes: list[Cause] = None
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    state: StateValue = None
    priority: PriorityValue | None = None
    reason: str = None
    version: WholeInt = None


class LinkIncidentsIn(InputSchema):
    incidents: list[RefIn] = Field(..., min_length=1, max_length=500)
    hold: StrictBool = False
    version: WholeInt | None = None


class AnalysisIn(InputSchema):
    root_cause: str = ""
    rca_method: MethodValue = ""
    rca: RcaIn = RcaIn()
    contributing_causes: list[Cause] = []
    version: WholeInt | None = None


class KnownErrorIn(InputSchema):
    symptoms: str | None = None
    root_cause: str | None = None
    workaround: str | None = None
    reason: str = ""
    version: WholeInt | None = None


class ProblemResolveIn(InputSchema):
    resolution_code: ResolutionValue = ""
    resolution_notes: str = ""
    resolve_incidents: StrictBool = Field(False, description="Resolve the open linked "
                                                              "incidents too, each journaled")
    version: WholeInt | None = None


class ReassessIn(InputSchema):
    note: str = Field(..., min_length=1)
    review_due: DateIn | None = None
    version: WholeInt | None = None


class ApplyWorkaroundIn(InputSchema):
    incident: RefIn
    resolve: StrictBool = True
    version: WholeInt | None = None


class LinkResultOut(Schema):
    linked: list[str]
    failed: dict[str, str]


class ParetoRow(Schema):
    id: int
    label: str
    count: int
    share: float
    cumulative: float
    vital: bool


class ParetoOut(Schema):
    dimension: str
    since: datetime
    until: datetime
    total: int
    without_value: int
    others: int
    rows: list[ParetoRow]


class Series(Schema):
    id: int | None
    label: str
    data: list[int]


class TrendOut(Schema):
    dimension: str
    interval: str
    since: datetime
    until: datetime
    periods: list[str]
    series: list[Series]


class CandidateOut(Schema):
    id: int
    dimension: str
    label: str
    incident_count: int
    incidents: list[str]
    first_opened_at: datetime
    last_opened_at: datetime
    status: str
    rule: str | None
    detected_at: datetime
    decided_by: UserRef | None
    decided_at: datetime | None
    reason: str
    problem: str | None


class AcceptIn(InputSchema):
    short_description: str = Field("", max_length=200)
    assignment_group: RefIn | None = None
    hold: StrictBool = False


class DismissIn(InputSchema):
    reason: str = Field(..., min_length=1)
