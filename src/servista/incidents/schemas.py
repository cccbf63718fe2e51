
"""The API shapes of incidents: the kit's work-record schemas with the
incident's own fields."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool

from servista.core.records.schemas import (
    PriorityValue,
    WorkRecordIn,
    WorkRecordOut,
    WorkRecordPatch,
)
from servista.core.schemas import InputSchema, RecordRef, Ref, RefIn, RefItem, UserRef, WholeInt

from .choices import Channel, HoldReason, IncidentState, ResolutionCode

StateValue = Literal[tuple(IncidentState.values)]
# The empty value clears it (one Literal, so one error message, not one per member).
HoldReasonOrEmpty = Literal[(*HoldReason.values, "")]
ResolutionOrEmpty = Literal[(*ResolutionCode.values, "")]
ChannelValue = Literal[tuple(Channel.values)]


class IncidentOut(WorkRecordOut):
    state: StateValue
    caller: UserRef
    organization: Ref | None
    category: Ref | None
    subcategory: Ref | None
    channel: str
    hold_reason: str
    resolution_code: str
    resolution_notes: str
    resolved_at: datetime | None
    resolved_by: UserRef | None
    escalated: bool
    reassignment_count: int
    reopen_count: int
    is_major: bool
    major_incident_manager: UserRef | None
    swarm: list[UserRef]
    parent: RecordRef | None

    @staticmethod
    def resolve_swarm(obj):
        # Only a major incident has a swarm (services.promote_major, set_swarm).
        return list(obj.swarm.all()) if obj.is_major else []


class IncidentIn(WorkRecordIn):
    caller: RefIn | None = None
    category: RefIn | None = None
    subcategory: RefIn | None = None
    channel: ChannelValue | None = None
    parent: RefIn | None = None


class IncidentPatch(WorkRecordPatch):
    caller: RefIn = None
    category: RefIn | None = None
    subcategory: RefIn | None = None
    channel: ChannelValue = None
    parent: RefIn | None = None
    state: StateValue = None
    hold_reason: HoldReasonOrEmpty = None
    resolution_code: ResolutionOrEmpty = None
    resolution_notes: str = None


class ResolveIn(InputSchema):
    resolution_code: ResolutionOrEmpty = ""
    resolution_notes: str = ""
    version: WholeInt | None = None


class HoldIn(InputSchema):
    hold_reason: HoldReasonOrEmpty = ""
    reason: str = ""
    version: WholeInt | None = None


class EscalateIn(InputSchema):
    kind: Literal["functional", "hierarchical"]
    reason: str = ""
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    version: WholeInt | None = None


class PriorityIn(InputSchema):
    priority: PriorityValue | None
    reason: str = ""
    version: WholeInt | None = None


class MajorIn(InputSchema):
    manager: RefIn
    swarm: list[RefItem] = []
    reason: str = ""
    version: WholeInt | None = None


class SwarmIn(InputSchema):
    members: list[RefItem]


class ParentIn(InputSchema):
    parent: RefIn | None
    version: WholeInt | None = None


class BulkIn(InputSchema):
    incidents: list[RefItem] = Field(..., min_length=1, max_length=500)  # numbers or ids
    action: Literal["assign", "take", "state"]
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    state: StateValue | None = None
    hold_reason: HoldReasonOrEmpty = ""
    resolution_code: ResolutionOrEmpty = ""
    resolution_notes: str = ""
    reason: str = ""


class CategoryOut(Schema):
    id: int
    name: str
    parent: Ref | None
    default_group: Ref | None
    active: bool


class CategoryIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    parent: RefIn | None = None
    default_group: RefIn | None = None
    active: StrictBool = True


class CategoryPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=100)
    parent: RefIn | None = None
    default_group: RefIn | None = None
    active: StrictBool = None


class SuggestionItemOut(Schema):
    source: str
    kind: str
    number: str
    title: str
    url: str
    similarity: float
    snippet: str
    note: str = ""
    workaround: str = ""


class Guess(Schema):
    id: int
    display: str
    confidence: float


class SuggestionsOut(Schema):
    items: list[SuggestionItemOut] = Field(..., description="Most alike first within each "
                                                             "source; known errors first")
    category: Guess | None
    assignment_group: Guess | None


class SuggestionsQuery(InputSchema):
    text: str = Field(..., min_length=1, max_length=2000)


# --- the service desk dashboard (incidents/figures.py) ----------------------------------


class DeskDashboardQuery(InputSchema):
    days: int = Field(14, ge=1, le=90, description="The trend and the rates cover the last "
                                                   "this many days, today included (1 to 90).")


class PriorityCount(Schema):
    priority: int
    label: str
    count: int
    url: str = Field(description="The incident list behind the figure")


class GroupCount(Schema):
    id: int | None = Field(description="The group's id; null: incidents without a group")
    name: str
    count: int
    url: str


class AgeBucket(Schema):
    bucket: Literal["under_1d", "1_to_3d", "3_to_7d", "7_to_30d", "over_30d"]
    label: str
    count: int
    url: str


class TrendDay(Schema):
    day: str = Field(description="YYYY-MM-DD, in the server's time zone")
    created: int
    resolved: int
    created_url: str
    resolved_url: str


class DeskRate(Schema):
    resolved: int = Field(description="Incidents resolved in the period")
    count: int
    rate: float | None = Field(description="count / resolved; null when none was resolved")
    url: str


class MajorIncidentRow(Schema):
    number: str
    short_description: str
    priority: int
    opened_at: datetime


class MajorBacklog(Schema):
    count: int
    url: str
    incidents: list[MajorIncidentRow] = Field(description="The ten most urgent, oldest first")


class DeskDashboardOut(Schema):
    days: int
    since: datetime
    open_total: int
    open_by_priority: list[PriorityCount]
    open_by_group: list[GroupCount] = Field(description="The ten groups with most open "
                                                        "incidents")
    more_groups: bool
    aging: list[AgeBucket]
    trend: list[TrendDay]
    first_contact_resolution: DeskRate = Field(
        description="Resolved in the period by the group that first had them, never "
                    "reassigned, escalated or reopened")
    reassignment: DeskRate = Field(description="Resolved in the period after at least one "
                                               "reassignment")
    major_backlog: MajorBacklog
