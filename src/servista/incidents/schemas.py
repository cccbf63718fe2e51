from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from servista.core.schemas import (
    InputSchema,
    RecordRef,
    Ref,
    RefIn,
    UserRef,
    WholeNumber,
    members,
)

from .choices import Channel, HoldReason, IncidentState, ResolutionCode

StateValue = Literal[tuple(IncidentState.values)]
HoldReasonValue = Literal[tuple(HoldReason.values)]
ResolutionValue = Literal[tuple(ResolutionCode.values)]
# The empty value clears it (one Literal, so one error message, not one per member).
HoldReasonOrEmpty = Literal[(*HoldReason.values, "")]
ResolutionOrEmpty = Literal[(*ResolutionCode.values, "")]
ChannelValue = Literal[tuple(Channel.values)]
# Impact, urgency (1 = high ... 3 = low) and priority (1 ... 5): numbers only,
# JSON true or 1.0 is not accepted for 1.
Level = Annotated[Literal[1, 2, 3], WholeNumber]
PriorityValue = Annotated[Literal[1, 2, 3, 4, 5], WholeNumber]


class IncidentOut(Schema):
    id: int
    number: str
    short_description: str
    description: str
    state: StateValue
    impact: int
    urgency: int
    priority: int
    priority_overridden: bool
    caller: UserRef
    organization: Ref | None
    category: Ref | None
    subcategory: Ref | None
    service: Ref | None
    configuration_item: Ref | None
    affected_services: list[Ref]
    affected_cis: list[Ref]
    channel: str
    assignment_group: Ref | None
    assigned_to: UserRef | None
    opened_by: UserRef
    opened_at: datetime
    updated_at: datetime
    hold_reason: str
    resolution_code: str
    resolution_notes: str
    resolved_at: datetime | None
    resolved_by: UserRef | None
    closed_at: datetime | None
    escalated: bool
    reassignment_count: int
    reopen_count: int
    is_major: bool
    major_incident_manager: UserRef | None
    swarm: list[UserRef]
    parent: RecordRef | None
    version: int

    @staticmethod
    def resolve_swarm(obj):
        # Only a major incident has a swarm (services.promote_major, set_swarm).
        return list(obj.swarm.all()) if obj.is_major else []

    @staticmethod
    def resolve_affected_services(obj):
        return members(obj, "affected_services")

    @staticmethod
    def resolve_affected_cis(obj):
        return members(obj, "affected_cis")


class IncidentIn(InputSchema):
    short_description: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    caller: RefIn | None = None
    category: RefIn | None = None
    subcategory: RefIn | None = None
    service: RefIn | None = None
    configuration_item: RefIn | None = None
    affected_services: list[RefIn] = []
    affected_cis: list[RefIn] = []
    impact: Level = 2
    urgency: Level = 2
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    channel: ChannelValue | None = None
    parent: RefIn | None = None


class IncidentPatch(InputSchema):
    short_description: str = Field(None, min_length=1, max_length=200)
    description: str = None
    caller: RefIn = None
    category: RefIn | None = None
    subcategory: RefIn | None = None
    service: RefIn | None = None
    configuration_item: RefIn | None = None
    affected_services: list[RefIn] = None
    affected_cis: list[RefIn] = None
    impact: Level = None
    urgency: Level = None
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    channel: ChannelValue = None
    parent: RefIn | None = None
    state: StateValue = None
    hold_reason: HoldReasonOrEmpty = None
    resolution_code: ResolutionOrEmpty = None
    resolution_notes: str = None
    priority: PriorityValue | None = None
    reason: str = None
    version: StrictInt = None


class ResolveIn(InputSchema):
    resolution_code: ResolutionOrEmpty = ""
    resolution_notes: str = ""
    version: StrictInt | None = None


class HoldIn(InputSchema):
    hold_reason: HoldReasonOrEmpty = ""
    reason: str = ""
    version: StrictInt | None = None


class AssignIn(InputSchema):
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    version: StrictInt | None = None


class EscalateIn(InputSchema):
    kind: Literal["functional", "hierarchical"]
    reason: str = ""
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    version: StrictInt | None = None


class PriorityIn(InputSchema):
    priority: PriorityValue | None
    reason: str = ""
    version: StrictInt | None = None


class MajorIn(InputSchema):
    manager: RefIn
    swarm: list[RefIn] = []
    reason: str = ""
    version: StrictInt | None = None


class SwarmIn(InputSchema):
    members: list[RefIn]


class ParentIn(InputSchema):
    parent: RefIn | None
    version: StrictInt | None = None


class BulkIn(InputSchema):
    incidents: list[RefIn] = Field(..., min_length=1, max_length=500)  # numbers or ids
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
