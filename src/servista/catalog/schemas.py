from typing import Literal

from ninja import Field, Schema

from servista.core.schemas import DateIn, InputSchema, Ref, RefIn, RefItem, UserRef, members

from .choices import Criticality, ReviewOutcome, ServiceStatus

StatusValue = Literal[tuple(ServiceStatus.values)]
CriticalityValue = Literal[tuple(Criticality.values)]
OutcomeValue = Literal[tuple(ReviewOutcome.values)]


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    status: StatusValue = Field(..., description="The portfolio stage: pipeline, live (in "
                                                 "the catalogue) or retired")
    owner_group: Ref | None
    owner: UserRef | None
    customers: list[Ref]
    service_hours: str
    criticality: CriticalityValue
    configuration_item: Ref | None = Field(None, description="Its item in the CMDB")

    @staticmethod
    def resolve_customers(obj) -> list:
        return members(obj, "customers")

    @staticmethod
    def resolve_configuration_item(obj):
        try:
            return obj.configuration_item
        except obj._meta.get_field("configuration_item").related_model.DoesNotExist:
            return None


class ServiceIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=150)
    description: str = ""
    status: StatusValue = "live"
    owner_group: RefIn | None = None
    owner: RefIn | None = None
    customers: list[RefItem] = Field(default_factory=list, max_length=500)
    service_hours: str = Field("", max_length=200)
    criticality: CriticalityValue = "medium"


class ServicePatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=150)
    description: str = None
    status: StatusValue = None
    owner_group: RefIn | None = None
    owner: RefIn | None = None
    customers: list[RefItem] = Field(None, max_length=500)
    service_hours: str = Field(None, max_length=200)
    criticality: CriticalityValue = None


class ServiceOfferingOut(Schema):
    id: int
    service: Ref
    name: str
    description: str
    support_hours: str


class ServiceOfferingIn(InputSchema):
    service: RefIn
    name: str = Field(..., min_length=1, max_length=150)
    description: str = ""
    support_hours: str = Field("", max_length=200)


class ServiceOfferingPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=150)
    description: str = None
    support_hours: str = Field(None, max_length=200)


class PortfolioReviewIn(InputSchema):
    outcome: OutcomeValue
    reviewed_on: DateIn
    reason: str = Field(..., min_length=1)


class PortfolioReviewOut(Schema):
    id: int
    outcome: OutcomeValue
    reviewed_on: object
    reason: str
    reviewed_by: UserRef | None
