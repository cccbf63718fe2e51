"""REST resource /api/v1/incidents: thin endpoints over services.py."""

from ninja import Router
from ninja.decorators import decorate_view

from servista.accounts.models import Group
from servista.core.api import get_object, idempotent
from servista.core.exceptions import NotFound, ValidationFailed
from servista.core.record_api import ERRORS, ModelAPI, RecordAPI
from servista.core.schemas import ReasonIn

from . import services
from .filtersets import CategoryFilterSet, IncidentFilterSet
from .models import Category, Incident
from .schemas import (
    AssignIn,
    BulkIn,
    BulkOut,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    EscalateIn,
    HoldIn,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    MajorIn,
    ParentIn,
    PriorityIn,
    ResolveIn,
    SwarmIn,
)

# Joined: the columns every list shows. Prefetched (one query per page each,
# none when no row has a value): the rest. Joining all twelve makes
# PostgreSQL spend tens of milliseconds planning every query.
JOINED = ("caller", "assignment_group", "assigned_to")
PREFETCHED = ("organization", "category", "subcategory__parent", "service",
              "configuration_item", "opened_by", "resolved_by", "major_incident_manager",
              "parent", "swarm")


def incident_queryset():
    return Incident.objects.select_related(*JOINED).prefetch_related(*PREFETCHED)


class IncidentAPI(RecordAPI):
    model = Incident
    name = "incidents"
    out_schema = IncidentOut
    create_schema = IncidentIn
    update_schema = IncidentPatch
    filterset = IncidentFilterSet
    reload_after_create = False  # log_incident keeps the related objects it was given

    def get_queryset(self, request):
        return incident_queryset()

    def create(self, request, data):
        data = services.resolve_refs(data)
        if data.get("channel") is None:  # left out or null: it came through the API
            data["channel"] = "api"
        return services.log_incident(request.auth, **data)

    def update(self, request, obj, data, version):
        return services.update_incident(obj, request.auth, services.resolve_refs(data),
                                        expected_version=version)

    def add_entry(self, request, obj, kind, body):
        return services.add_journal_entry(obj, request.auth, kind, body)


resource = IncidentAPI()
router = Router(tags=["incidents"])


@router.post("/bulk", response={200: BulkOut, **ERRORS}, operation_id="bulk_incidents",
             summary="Assign or change the state of many incidents at once")
@decorate_view(idempotent)
def bulk(request, payload: BulkIn):
    user = request.auth
    incidents, missing = [], {}
    for ident in dict.fromkeys(str(i) for i in payload.incidents):
        try:
            incidents.append(get_object(request, Incident.objects.all(), ident))
        except NotFound:
            missing[ident] = f"Incident {ident} not found."
    refs = services.resolve_refs(payload.model_dump(
        include={"assignment_group", "assigned_to"}, exclude_none=True))
    if payload.action == "take":
        done, failed = services.bulk(incidents, user, services.take)
    elif payload.action == "assign":
        if not refs:
            raise ValidationFailed.field("assignment_group", "Name a group or an assignee.")
        done, failed = services.bulk(incidents, user, services.assign, **refs)
    else:
        if payload.state is None:
            raise ValidationFailed.field("state", "Name the state to move to.")
        done, failed = services.bulk(
            incidents, user, services.change_state, target=payload.state,
            hold_reason=payload.hold_reason, resolution_code=payload.resolution_code,
            resolution_notes=payload.resolution_notes, reason=payload.reason)
    return {"done": [inc.number for inc in done], "failed": {**missing, **failed}}


resource.add_routes(router)


@resource.action(router, "resolve", ResolveIn, "Resolve (resolution code and notes required)")
def resolve(request, obj, data, version):
    return services.resolve(obj, request.auth, resolution_code=data.get("resolution_code", ""),
                            resolution_notes=data.get("resolution_notes", ""),
                            expected_version=version)


@resource.action(router, "hold", HoldIn, "Put on hold (reason required)")
def hold(request, obj, data, version):
    return services.put_on_hold(obj, request.auth, hold_reason=data.get("hold_reason", ""),
                                reason=data.get("reason", ""), expected_version=version)


@resource.action(router, "start", ReasonIn, "Start or resume work (to in progress)")
def start(request, obj, data, version):
    return services.change_state(obj, request.auth, services.State.IN_PROGRESS,
                                 reason=data.get("reason", ""), expected_version=version)


@resource.action(router, "reopen", ReasonIn, "Reopen a resolved incident")
def reopen(request, obj, data, version):
    return services.reopen(obj, request.auth, reason=data.get("reason", ""),
                           expected_version=version)


@resource.action(router, "close", ReasonIn, "Close a resolved incident")
def close(request, obj, data, version):
    return services.close(obj, request.auth, reason=data.get("reason", ""),
                          expected_version=version)


@resource.action(router, "cancel", ReasonIn, "Cancel (reason required)")
def cancel(request, obj, data, version):
    return services.cancel(obj, request.auth, reason=data.get("reason", ""),
                           expected_version=version)


@resource.action(router, "assign", AssignIn, "Assign to a group and/or an agent of it")
def assign(request, obj, data, version):
    refs = services.resolve_refs(data)
    return services.assign(obj, request.auth, assignment_group=refs.get("assignment_group"),
                           assigned_to=refs.get("assigned_to"), expected_version=version)


@resource.action(router, "take", ReasonIn, "Assign to yourself")
def take(request, obj, data, version):
    return services.take(obj, request.auth, expected_version=version)


@resource.action(router, "escalate", EscalateIn,
                 "Escalate: functional (to another group) or hierarchical (inform management)")
def escalate(request, obj, data, version):
    if data["kind"] == "hierarchical":
        return services.escalate_hierarchical(obj, request.auth, reason=data.get("reason", ""),
                                              expected_version=version)
    refs = services.resolve_refs(data)
    return services.escalate_functional(
        obj, request.auth, assignment_group=refs.get("assignment_group"),
        assigned_to=refs.get("assigned_to"), reason=data.get("reason", ""),
        expected_version=version)


@resource.action(router, "override-priority", PriorityIn,
                 "Override the priority (managers; null returns it to the matrix)")
def override_priority(request, obj, data, version):
    return services.override_priority(obj, request.auth, priority=data.get("priority"),
                                      reason=data.get("reason", ""), expected_version=version)


@resource.action(router, "promote-major", MajorIn, "Declare a major incident (managers)")
def promote_major(request, obj, data, version):
    refs = services.resolve_refs(data)
    return services.promote_major(obj, request.auth, manager=refs["manager"],
                                  swarm=refs.get("swarm", []), reason=data.get("reason", ""),
                                  expected_version=version)


@resource.action(router, "stand-down-major", ReasonIn,
                 "End the major-incident procedure (managers; reason required)")
def stand_down_major(request, obj, data, version):
    return services.stand_down_major(obj, request.auth, reason=data.get("reason", ""),
                                     expected_version=version)


@resource.action(router, "clear-escalation", ReasonIn,
                 "Take back a hierarchical escalation (managers; reason required)")
def clear_escalation(request, obj, data, version):
    return services.clear_escalation(obj, request.auth, reason=data.get("reason", ""),
                                     expected_version=version)


@resource.action(router, "swarm", SwarmIn, "Set who swarms on a major incident")
def set_swarm(request, obj, data, version):
    members = services.resolve_refs({"swarm": data["members"]})["swarm"]
    return services.set_swarm(obj, request.auth, members, expected_version=version)


@resource.action(router, "parent", ParentIn, "Make this a child of another incident (or not)")
def set_parent(request, obj, data, version):
    refs = services.resolve_refs(data)
    return services.set_parent(obj, request.auth, refs.get("parent"), expected_version=version)


class CategoryAPI(ModelAPI):
    model = Category
    name = "incident-categories"
    out_schema = CategoryOut
    create_schema = CategoryIn
    update_schema = CategoryPatch
    filterset = CategoryFilterSet
    ref_fields = {"parent": (Category, ("name",)), "default_group": (Group, ("name",))}

    def get_queryset(self, request):
        return Category.objects.select_related("parent", "default_group")


categories = CategoryAPI().router()
