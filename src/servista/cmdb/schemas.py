from typing import Literal

from ninja import Field, Schema

from servista.catalog.schemas import CriticalityValue
from servista.core.schemas import InputSchema, Ref, RefIn

from .choices import CIClass, CIStatus

ClassValue = Literal[tuple(CIClass.values)]
StatusValue = Literal[tuple(CIStatus.values)]


class CIOut(Schema):
    id: int
    name: str
    ci_class: ClassValue
    status: StatusValue
    owner_group: Ref | None
    criticality: CriticalityValue
    description: str
    service: Ref | None


class CIIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    ci_class: ClassValue
    status: StatusValue = "in_use"
    owner_group: RefIn | None = None
    criticality: CriticalityValue = "medium"
    description: str = ""
    service: RefIn | None = None


class CIPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=200)
    ci_class: ClassValue = None
    status: StatusValue = None
    owner_group: RefIn | None = None
    criticality: CriticalityValue = None
    description: str = None
    service: RefIn | None = None
