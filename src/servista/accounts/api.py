"""REST resources /api/v1/users, /groups, /organizations and /me."""

from ninja import Router

from servista.core.model_api import ModelAPI
from servista.core.permissions import capabilities

from . import services
from .filtersets import GroupFilterSet, OrganizationFilterSet, UserFilterSet
from .models import Group, Organization, User
from .schemas import (
    CapabilityOut,
    GroupIn,
    GroupOut,
    GroupPatch,
    MeOut,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    UserIn,
    UserOut,
    UserPatch,
)

PEOPLE = ("username", "email")


class UserAPI(ModelAPI):
    model = User
    name = "users"
    out_schema = UserOut
    create_schema = UserIn
    update_schema = UserPatch
    filterset = UserFilterSet

    def get_queryset(self, request):
        return User.objects.select_related("organization").exclude(username="servista-system")

    def create(self, request, data):
        return services.create_user(request.auth, self.resolve(data))


class GroupAPI(ModelAPI):
    model = Group
    name = "groups"
    out_schema = GroupOut
    create_schema = GroupIn
    update_schema = GroupPatch
    filterset = GroupFilterSet

    def get_queryset(self, request):
        return Group.objects.select_related("manager").prefetch_related("members")

    def create(self, request, data):
        return services.create_group(request.auth, self.resolve(data))

    def update(self, request, obj, data, version):
        return services.update_group(obj, request.auth, self.resolve(data))


class OrganizationAPI(ModelAPI):
    model = Organization
    name = "organizations"
    out_schema = OrganizationOut
    create_schema = OrganizationIn
    update_schema = OrganizationPatch
    filterset = OrganizationFilterSet


users = UserAPI().router()
groups = GroupAPI().router()
organizations = OrganizationAPI().router()
me = Router(tags=["users"])
capabilities_router = Router(tags=["groups"])


@capabilities_router.get("", response=list[CapabilityOut], operation_id="list_capabilities",
                         summary="What groups can be given, beyond their members' roles")
def list_capabilities(request):
    return [{"name": c.name, "label": c.label, "description": c.description}
            for c in capabilities()]


@me.get("", response=MeOut, operation_id="get_me", summary="The authenticated user")
def get_me(request):
    return User.objects.select_related("organization").prefetch_related(
        "support_groups").get(pk=request.auth.pk)


ROUTES = [("/users", users), ("/me", me), ("/groups", groups),
          ("/capabilities", capabilities_router), ("/organizations", organizations)]
