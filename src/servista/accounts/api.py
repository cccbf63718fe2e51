"""REST resources /api/v1/users, /groups, /organizations and /me (with the
user's saved list views, /me/saved-views)."""

from ninja import Query, Router, Status

from servista.core import lookup, personal
from servista.core.api import refuse_unknown_params
from servista.core.exceptions import ValidationFailed
from servista.core.model_api import ModelAPI, errors
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
    SavedViewIn,
    SavedViewOut,
    SavedViewQuery,
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


def saved_view_out(view, user) -> dict:
    return {"id": view.pk, "path": view.path, "name": view.name, "query": view.query,
            "url": f"{view.path}?{view.query}" if view.query else view.path,
            "owner": view.owner, "shared_with": view.shared_with,
            "mine": view.owner_id == user.pk}


@me.get("/saved-views", response={200: list[SavedViewOut], **errors(401, 422)},
        operation_id="list_saved_views",
        summary="The saved views of a list page you may use: yours and your groups' shared ones")
def list_saved_views(request, filters: Query[SavedViewQuery]):
    refuse_unknown_params(request, {"path"})
    return [saved_view_out(v, request.auth)
            for v in personal.visible_views(request.auth, filters.path)]


@me.post("/saved-views", response={201: SavedViewOut, **errors(400, 401, 422)},
         operation_id="save_saved_view",
         summary="Save a view of a list (replacing yours of the same name), optionally shared "
                 "with one of your groups")
def save_saved_view(request, payload: SavedViewIn):
    group = None
    if payload.shared_with is not None:
        group = lookup.find(Group.objects.all(), payload.shared_with, fields=("name",))
        if group is None:
            raise ValidationFailed("No such group.", {"shared_with": ["No such group."]})
    view = personal.save_view(request.auth, path=payload.path, name=payload.name,
                              query=payload.query, shared_with=group)
    return Status(201, saved_view_out(view, request.auth))


@me.delete("/saved-views/{view_id}", response={204: None, **errors(401, 404, 422)},
           operation_id="delete_saved_view", summary="Delete one of your saved views")
def delete_saved_view(request, view_id: int):
    personal.delete_view(request.auth, view_id)
    return Status(204, None)


ROUTES = [("/users", users), ("/me", me), ("/groups", groups),
          ("/capabilities", capabilities_router), ("/organizations", organizations)]
