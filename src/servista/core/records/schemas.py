
"""The API shapes every work record shares. A practice's schemas subclass
them and add its own fields (its states as a ``Literal``, its references)."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import create_model

from servista.core import time_spent
from servista.core.schemas import (
    InputSchema,
    Ref,
    RefIn,
    RefItem,
    UserRef,
    WholeInt,
    WholeNumber,
    members,
)

# Impact, urgency (1 = high ... 3 = low) and priority (1 ... 5): numbers only,
# JSON true or 1.0 is not accepted for 1.
Level = Annotated[Literal[1, 2, 3], WholeNumber]
PriorityValue = Annotated[Literal[1, 2, 3, 4, 5], WholeNumber]


class WorkRecordOut(Schema):
    id: int
    number: str
    short_description: str
    description: str
    state: str
    impact: int
    urgency: int
    priority: int
    priority_overridden: bool
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
    time_spent: int = Field(0, description="Minutes of work logged on the record")

    @staticmethod
    def resolve_time_spent(obj) -> int:
        return time_spent.of_record(obj)

    @staticmethod
    def resolve_affected_services(obj):
        return members(obj, "affected_services")

    @staticmethod
    def resolve_affected_cis(obj):
        return members(obj, "affected_cis")


class WorkRecordIn(InputSchema):
    short_description: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    service: RefIn | None = None
    configuration_item: RefIn | None = None
    affected_services: list[RefItem] = []
    affected_cis: list[RefItem] = []
    impact: Level = 2
    urgency: Level = 2
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None


class WorkRecordPatch(InputSchema):
    short_description: str = Field(None, min_length=1, max_length=200)
    description: str = None
    service: RefIn | None = None
    configuration_item: RefIn | None = None
    affected_services: list[RefItem] = None
    affected_cis: list[RefItem] = None
    impact: Level = None
    urgency: Level = None
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    state: str = None
    priority: PriorityValue | None = None
    reason: str = None
    version: WholeInt = None


class WatcherIn(InputSchema):
    user: RefIn = Field(..., description="The person to copy on the record (id or username)")


class AssignIn(InputSchema):
    assignment_group: RefIn | None = None
    assigned_to: RefIn | None = None
    version: WholeInt | None = None


def bulk_input(resource: str, model, **state_fields):
    """The body of ``POST /<resource>/bulk``: the records (a list named after
    the resource), the action, the assignment or the state (one of the
    model's), ``reason``, and the fields the states need (``state_fields``:
    {name: (type, default)})."""
    State = Literal[tuple(model.State.values)]
    return create_model(
        f"{model.__name__}BulkIn", __base__=InputSchema,
        **{resource.replace("-", "_"): (list[RefItem], Field(..., min_length=1, max_length=500))},
        action=(Literal["assign", "take", "state"], ...),
        assignment_group=(RefIn | None, None),
        assigned_to=(RefIn | None, None),
        state=(State | None, None),
        reason=(str, ""),
        **state_fields,
    )
