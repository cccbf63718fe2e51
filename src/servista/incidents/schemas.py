from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from servista.core.schemas import InputSchema, RecordRef, Ref, UserRef

from .choices import Channel, HoldReason, IncidentState, ResolutionCode

StateValue = Literal[tuple(IncidentState.values)]
HoldReasonValue = Literal[tuple(HoldReason.values)]
ResolutionValue = Literal[tuple(ResolutionCode.values)]
ChannelValue = Literal[tuple(Channel.values)]
Level = Literal[1, 2, 3]
# A related object named by id or by name (username for people, number for incidents).
RefIn = int | str


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


class IncidentIn(InputSchema):
    short_description: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    caller: RefIn | None = None
    category: RefIn | None = None
    subcategory: RefIn | None = None
    service: RefIn | None = None
    configuration_item: RefIn | None = None
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
    impact: Level = None
    urgency: Level = None
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    channel: ChannelValue = None
    parent: RefIn | None = None
    state: StateValue = None
    hold_reason: HoldReasonValue | Literal[""] = None
    resolution_code: ResolutionValue | Literal[""] = None
    resolution_notes: str = None
    priority: Literal[1, 2, 3, 4, 5] | None = None
    reason: str = None
    version: int = None


class ResolveIn(InputSchema):
    resolution_code: ResolutionValue | Literal[""] = ""
    resolution_notes: str = ""
    version: int | None = None


class HoldIn(InputSchema):
    hold_reason: HoldReasonValue | Literal[""] = ""
    reason: str = ""
    version: int | None = None


class AssignIn(InputSchema):
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    version: int | None = None


class EscalateIn(InputSchema):
    kind: Literal["functional", "hierarchical"]
    reason: str = ""
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    version: int | None = None


class PriorityIn(InputSchema):
    priority: Literal[1, 2, 3, 4, 5] | None
    reason: str = ""
    version: int | None = None


class MajorIn(InputSchema):
    manager: RefIn
    swarm: list[RefIn] = []
    reason: str = ""
    version: int | None = None


class SwarmIn(InputSchema):
    members: list[RefIn]


class ParentIn(InputSchema):
    parent: RefIn | None
    version: int | None = None


class BulkIn(InputSchema):
    incidents: list[str] = Field(..., min_length=1, max_length=500)
    action: Literal["assign", "take", "state"]
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    state: StateValue | None = None
    hold_reason: HoldReasonValue | Literal[""] = ""
    resolution_code: ResolutionValue | Literal[""] = ""
    resolution_notes: str = ""
    reason: str = ""


class BulkOut(Schema):
    done: list[str]
    failed: dict[str, str]


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
    active: bool = True


class CategoryPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=100)
    parent: RefIn | None = None
    default_group: RefIn | None = None
    active: bool = None
