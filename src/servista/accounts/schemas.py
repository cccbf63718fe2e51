from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool

from servista.core.schemas import InputSchema, Ref, RefIn, RefItem, UserRef

from .choices import Role

RoleValue = Literal[tuple(Role.values)]


class OrganizationOut(Schema):
    id: int
    name: str
    description: str
    active: bool


class OrganizationIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    active: StrictBool = True


class OrganizationPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=200)
    description: str = None
    active: StrictBool = None


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: RoleValue
    organization: Ref | None
    title: str
    phone: str
    is_active: bool


class UserIn(InputSchema):
    username: str = Field(..., min_length=1, max_length=150)
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    role: RoleValue = "requester"
    organization: RefIn | None = None
    title: str = ""
    phone: str = ""
    password: str | None = None


class UserPatch(InputSchema):
    first_name: str = None
    last_name: str = None
    email: str = None
    role: RoleValue = None
    organization: RefIn | None = None
    title: str = None
    phone: str = None
    is_active: StrictBool = None


class GroupOut(Schema):
    id: int
    name: str
    description: str
    email: str
    manager: UserRef | None
    members: list[UserRef]
    is_service_desk: bool
    active: bool
    capabilities: list[str] = Field(..., description="What the members may do beyond "
                                                     "their role (see GET /capabilities)")

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())


class GroupIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=150)
    description: str = ""
    email: str = ""
    manager: RefIn | None = None
    members: list[RefItem] = []
    is_service_desk: StrictBool = False
    active: StrictBool = True
    capabilities: list[str] = []


class GroupPatch(InputSchema):
    name: str = Field(None, min_length=1, max_length=150)
    description: str = None
    email: str = None
    manager: RefIn | None = None
    members: list[RefItem] = None
    is_service_desk: StrictBool = None
    active: StrictBool = None
    capabilities: list[str] = None


class MeOut(UserOut):
    groups: list[Ref]

    @staticmethod
    def resolve_groups(obj):
        return list(obj.support_groups.all())


class CapabilityOut(Schema):
    name: str
    label: str
    description: str


class SavedViewOut(Schema):
    id: int
    path: str = Field(..., description="The list page, e.g. /incidents/")
    name: str
    query: str = Field(..., description="The list's query string: filters, sort and columns")
    url: str = Field(..., description="The list page with the view's query")
    owner: UserRef
    shared_with: Ref | None = None
    mine: bool = Field(..., description="Whether the authenticated user owns it")


class SavedViewQuery(InputSchema):
    path: str = Field(..., max_length=200, description="The list page, e.g. /incidents/")


class SavedViewIn(InputSchema):
    path: str = Field(..., max_length=200)
    name: str = Field(..., max_length=80)
    query: str = ""
    shared_with: RefIn | None = Field(None, description="One of your groups (id or name)")
