"""REST resources /api/v1/incidents and /api/v1/incident-categories: the
kit's resources, configured; every change goes through services.py."""

from servista.core import lookup
from servista.core.model_api import ModelAPI
from servista.core.records.api import RecordAPI

from . import services
from .actions import ACTIONS
from .filtersets import CategoryFilterSet, IncidentFilterSet
from .models import Category, Incident
from .schemas import (
    BulkIn,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
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


ROUTES = [("/incidents", router), ("/incident-categories", categories)]
