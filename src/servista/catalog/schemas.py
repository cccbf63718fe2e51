from typing import Literal

from ninja import Field, Schema

from servista.core.schemas import InputSchema, Ref, RefIn

from .choices import Criticality, ServiceStatus

StatusValue = Literal[tuple(ServiceStatus.values)]
CriticalityValue = Literal[tuple(Criticality.values)]


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    status: StatusValue
    owner_group: Ref | None
    criticality: CriticalityValue


class ServiceIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=150)
    description: str = ""
    status: StatusValue = "live"
    owner_group: RefIn | None = None
    criticality: CriticalityValue = "medium"


class ServicePatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=150)
    description: str = None
    status: StatusValue = None
    owner_group: RefIn | None = None
    criticality: CriticalityValue = None
