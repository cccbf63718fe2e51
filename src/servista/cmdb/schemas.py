from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import StrictBool, StrictFloat, StrictStr

from servista.catalog.schemas import CriticalityValue
from servista.core.schemas import InputSchema, Ref, RefIn, UserRef, WholeInt

from .choices import AttributeType, CIStatus, Environment, ImpactDirection

StatusValue = Literal[tuple(CIStatus.values)]
EnvironmentValue = Literal[tuple(Environment.values)]
AttributeTypeValue = Literal[tuple(AttributeType.values)]
ImpactValue = Literal[tuple(ImpactDirection.values)]
Key = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
# An attribute's value as JSON gives it; its class's schema says which type fits.
AttributeValue = StrictBool | WholeInt | StrictFloat | StrictStr | None
Attributes = dict[Annotated[str, Field(min_length=1, max_length=50)], AttributeValue]


class CIOut(Schema):
    id: int
    identifier: UUID
    name: str
    short_name: str
    abbreviations: str
    ci_class: str = Field(..., description="The class's key")
    status: StatusValue
    environment: EnvironmentValue
    organization: Ref | None
    owner_group: Ref | None
    owner: UserRef | None
    criticality: CriticalityValue
    description: str
    service: Ref | None
    represents: Ref | None
    attributes: dict[str, AttributeValue]

    @staticmethod
    def resolve_ci_class(obj) -> str:
        return obj.ci_class_id


class CIIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    short_name: str = Field("", max_length=60)
    abbreviations: str = Field("", max_length=200)
    ci_class: RefIn = Field(..., description="A class, by key or name")
    status: StatusValue = "live"
    environment: EnvironmentValue = "production"
    organization: RefIn | None = None
    owner_group: RefIn | None = None
    owner: RefIn | None = None
    criticality: CriticalityValue = "medium"
    description: str = ""
    service: RefIn | None = None
    represents: RefIn | None = Field(None, description="For an item of a service class: the "
                                                       "service of the portfolio it is")
    attributes: Attributes = Field(default_factory=dict,
                                   description="Values of the class's attributes (and those "
                                               "of its ancestors), each of its type")


class CIPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=200)
    short_name: str = Field(None, max_length=60)
    abbreviations: str = Field(None, max_length=200)
    ci_class: RefIn = None
    status: StatusValue = None
    environment: EnvironmentValue = None
    organization: RefIn | None = None
    owner_group: RefIn | None = None
    owner: RefIn | None = None
    criticality: CriticalityValue = None
    description: str = None
    service: RefIn | None = None
    represents: RefIn | None = None
    attributes: Attributes = Field(None, description="Replaces every attribute value")


class AttributeDefinitionOut(Schema):
    key: str
    label: str
    type: AttributeTypeValue
    required: bool
    choices: list[object]
    reference_class: str | None = None
    defined_on: str


class AttributeDefinitionIn(InputSchema):
    key: Key
    label: str = Field("", max_length=100)
    type: AttributeTypeValue
    required: bool = False
    choices: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, description="The values of a choice attribute (only)")
    reference_class: RefIn | None = Field(None, description="For a reference (only): the "
                                                            "class it must name")


class CIClassOut(Schema):
    id: int
    key: str
    name: str
    parent: str | None = Field(None, description="The parent class's key")
    description: str
    is_service: bool
    identification: list[str]
    attributes: list[AttributeDefinitionOut] = Field(
        ..., description="Its attributes, inherited ones first")


class CIClassIn(InputSchema):
    key: Key
    name: str = Field(..., min_length=1, max_length=100)
    parent: RefIn | None = None
    description: str = ""
    is_service: bool = False
    identification: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(
        default_factory=list, description="Fields or attributes identifying an item on "
                                          "import, in order")
    attributes: list[AttributeDefinitionIn] = Field(default_factory=list, max_length=100)


class RelationshipTypeOut(Schema):
    id: int
    key: str
    name: str
    reverse_name: str
    impact: ImpactValue


class RelationshipTypeIn(InputSchema):
    key: Key
    name: str = Field(..., min_length=1, max_length=60)
    reverse_name: str = Field(..., min_length=1, max_length=60)
    impact: ImpactValue = "to_source"


class RelationshipOut(Schema):
    id: int
    type: RelationshipTypeOut
    source: Ref
    target: Ref
    cycle: bool = Field(False, description="It closes a cycle (reported, not refused)")


class RelationshipIn(InputSchema):
    type: RefIn = Field(..., description="A relationship type, by key or name")
    source: RefIn
    target: RefIn


class PathStep(Schema):
    id: int
    name: str


class ReachedOut(Schema):
    ci: Ref
    ci_class: str
    depth: int
    path: list[PathStep] = Field(..., description="From the item analysed to this one")
    service: Ref | None = Field(None, description="The portfolio's service this item is")


class ImpactOut(Schema):
    origin: Ref
    direction: Literal["downstream", "upstream"]
    depth: int
    truncated: bool
    items: list[ReachedOut]
    services: list[ReachedOut]


class RelatedOut(Schema):
    id: int
    verb: str
    direction: Literal["outgoing", "incoming"]
    other: Ref


class BaselineIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=150)
    description: str = ""
    ci_class: RefIn | None = Field(None, description="Every item of this class (and below)")
    service: RefIn | None = Field(None, description="The items supporting this service")
    q: str | None = Field(None, max_length=200, description="Items whose name contains this")


class BaselineOut(Schema):
    id: int
    name: str
    description: str
    taken_at: object
    taken_by: UserRef | None
    item_count: int


class ChangeOut(Schema):
    name: str
    fields: dict[str, dict[str, object]] = Field(..., description="{field: {old, new}}")


class DiffOut(Schema):
    added: list[str]
    removed: list[str]
    changed: list[ChangeOut]
    relationships_added: list[list[str]]
    relationships_removed: list[list[str]]


class ImportIn(InputSchema):
    format: Literal["csv", "json"]
    content: str = Field(..., description="The file's text")
    dry_run: StrictBool = False


class ExportItem(Schema):
    identifier: str
    name: str
    ci_class: str
    short_name: str
    abbreviations: str
    status: str
    environment: str
    criticality: str
    organization: str
    owner_group: str
    owner: str
    service: str
    represents: str
    description: str
    attributes: dict[str, AttributeValue]


class ExportOut(Schema):
    items: list[ExportItem]


class ImportRowOut(Schema):
    line: int
    outcome: Literal["created", "updated", "unchanged", "rejected"]
    name: str
    reason: str


class ImportOut(Schema):
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    rejected: int
    rows: list[ImportRowOut] = Field(..., description="Every row but the unchanged ones")
