"""REST resources /api/v1/incidents and /api/v1/incident-categories: the
kit's resources, configured; every change goes through services.py."""

from ninja import Field, Query, Router, Schema

from servista.cmdb.models import ConfigurationItem
from servista.core import lookup
from servista.core.api import refuse_unknown_params
from servista.core.exceptions import Forbidden
from servista.core.model_api import ModelAPI, errors
from servista.core.permissions import is_agent, policy_for
from servista.core.records.api import RecordAPI
from servista.core.schemas import Ref
from servista.core.serializers import json_response

from . import figures, services
from .actions import ACTIONS
from .filtersets import CategoryFilterSet, IncidentFilterSet
from .models import Category, Incident
from .schemas import (
    BulkIn,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    DeskDashboardOut,
    DeskDashboardQuery,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    SuggestionsOut,
    SuggestionsQuery,
)

# Joined: the columns every list shows. Prefetched (one query per page each,
# none when no row has a value): the rest. Joining all of them makes
# PostgreSQL spend tens of milliseconds planning every query.
JOINED = ("caller", "assignment_group", "assigned_to")
PREFETCHED = ("organization", "category", "subcategory__parent", "service",
              "configuration_item", "opened_by", "resolved_by", "major_incident_manager",
              "parent", "swarm", "affected_cis", "affected_services")


def incident_queryset():
    return Incident.objects.select_related(*JOINED).prefetch_related(*PREFETCHED)


class IncidentAPI(RecordAPI):
    model = Incident
    name = "incidents"
    service = services.rules
    actions = ACTIONS
    out_schema = IncidentOut
    create_schema = IncidentIn
    update_schema = IncidentPatch
    bulk_schema = BulkIn
    filterset = IncidentFilterSet
    reload_after_create = False  # log_incident keeps the related objects it was given

    def get_queryset(self, request):
        return incident_queryset()

    def resolve(self, data, extra=None):
        """A subcategory is named within its category."""
        subcategory = data.get("subcategory")
        out = super().resolve({k: v for k, v in data.items() if k != "subcategory"}, extra)
        if "subcategory" in data:
            scope = Category.objects.exclude(parent=None)
            if out.get("category") is not None:
                scope = scope.filter(parent=out["category"])
            out["subcategory"] = lookup.resolve(Category, subcategory, "subcategory",
                                                queryset=scope)
        return out


resource = IncidentAPI()
router = resource.router()


def suggestions_out(found) -> dict:
    def guess(pair):
        return {"id": pair[0].pk, "display": str(pair[0]), "confidence": pair[1]} \
            if pair else None

    items = [{"source": part["source"].key, **{k: item.get(k, "") for k in (
        "kind", "number", "title", "url", "note", "workaround")},
        "similarity": item["similarity"], "snippet": str(item["snippet"])}
        for part in found["sources"] for item in part["items"]]
    return {"items": items, "category": guess(found["category"]),
            "assignment_group": guess(found["assignment_group"])}


@router.get("/{ident}/suggestions", response={200: SuggestionsOut, **errors(401, 404)},
            operation_id="suggestions_incidents",
            summary="What is like this incident: known errors (with their workaround), "
                    "articles, open incidents; the category and group resolved history "
                    "suggests")
def incident_suggestions(request, ident: str):
    incident = resource.get_object(request, ident)
    text = f"{incident.short_description}\n{incident.description}"
    return suggestions_out(services.suggestions(request.auth, text, exclude=[incident]))


class ImpactedServiceOut(Schema):
    service: Ref | None = Field(None, description="The portfolio's service")
    ci: Ref = Field(..., description="The item of the service")
    depth: int
    path: list[str] = Field(..., description="From the incident's item to the service")


class ImpactedServicesOut(Schema):
    configuration_item: Ref | None
    services: list[ImpactedServiceOut]
    proposed: Ref | None = Field(None, description="The service the incident should name")


@router.get("/{ident}/impacted-services",
            response={200: ImpactedServicesOut, **errors(401, 403, 404)},
            operation_id="impacted_services_incidents",
            summary="The services a failure of the incident's configuration item reaches, "
                    "and the one proposed as its service")
def incident_impacted_services(request, ident: str):
    incident = resource.get_object(request, ident)
    policy_for(ConfigurationItem).require(request.auth, "view")
    reached = services.impacted_services(incident)
    proposed = services.proposed_service(incident, reached)

    def ref(obj):
        return {"id": obj.pk, "display": str(obj)} if obj is not None else None

    return json_response({
        "configuration_item": ref(incident.configuration_item),
        "services": [{"service": ref(r.ci.represents), "ci": ref(r.ci), "depth": r.depth,
                      "path": [step.name for step in r.path]} for r in reached],
        "proposed": ref(proposed)})


suggest_router = Router(tags=["incidents"])


@suggest_router.get("", response={200: SuggestionsOut, **errors(401, 422)},
                    operation_id="suggest_incident",
                    summary="Suggestions for an incident not yet logged (its text so far)")
def suggest_for_text(request, filters: Query[SuggestionsQuery]):
    return suggestions_out(services.suggestions(request.auth, filters.text))


dashboard_router = Router(tags=["incidents"])


@dashboard_router.get("", response={200: DeskDashboardOut, **errors(401, 403, 422)},
                      operation_id="incident_dashboard",
                      summary="The service desk's figures: open incidents by priority, group "
                              "and age; created and resolved per day; first-contact resolution "
                              "and reassignment rates; open major incidents (support staff)")
def desk_dashboard(request, filters: Query[DeskDashboardQuery]):
    refuse_unknown_params(request, {"days"})
    if not is_agent(request.auth):
        raise Forbidden("The dashboard is for the support staff.")
    return figures.desk_figures(request.auth, filters.days)


class CategoryAPI(ModelAPI):
    model = Category
    name = "incident-categories"
    out_schema = CategoryOut
    create_schema = CategoryIn
    update_schema = CategoryPatch
    filterset = CategoryFilterSet

    def get_queryset(self, request):
        return Category.objects.select_related("parent", "default_group")


categories = CategoryAPI().router()


ROUTES = [("/incidents", router), ("/incident-categories", categories),
          ("/incident-suggestions", suggest_router), ("/incident-dashboard", dashboard_router)]
