"""The CMDB's pages: the item list with its filters (class and below,
status, environment, attribute...), the item page (fields, attributes,
relationships, impact and its graph, open incidents through the panels),
the graph data the page draws, and baselines with their differences."""

from django.http import JsonResponse
from django.shortcuts import render

from servista.core.generic_views import ObjectDetailView, ObjectListView, int_param

from . import baselines, services
from .choices import Direction
from .filtersets import CIFilterSet
from .models import Baseline, ConfigurationItem
from .tables import CITable

JOINED = ("owner_group", "service", "organization", "owner", "represents", "ci_class")


class CIListView(ObjectListView):
    queryset = ConfigurationItem.objects.select_related(*JOINED)
    filterset = CIFilterSet
    table = CITable


class CIDetailView(ObjectDetailView):
    queryset = ConfigurationItem.objects.select_related(*JOINED)
    template_name = "cmdb/ci_detail.html"
    detail_fields = ("identifier", "name", "short_name", "abbreviations", "ci_class", "status",
                     "environment", "criticality", "organization", "owner_group", "owner",
                     "service", "represents", "description")

    def get_context(self, obj, **extra):
        schemas = services.Schemas()
        direction = self.request.GET.get("direction", Direction.DOWNSTREAM)
        if direction not in Direction.values:
            direction = Direction.DOWNSTREAM
        depth = int_param(self.request, "depth", 3, high=services.MAX_DEPTH)
        return super().get_context(
            obj, attributes=services.attribute_rows(obj, schemas),
            relationships=services.relationships_of(obj),
            impact=services.impact(obj, direction=direction, depth=depth, limit=200),
            direction=direction, depth=depth, depths=range(1, services.MAX_DEPTH + 1),
            **extra)


class CIGraphView(ObjectDetailView):
    """The graph around an item, as the page's Cytoscape canvas draws it:
    the items within ``depth`` relationships either way, and the
    relationships between them (JSON)."""

    queryset = ConfigurationItem.objects.select_related("ci_class")

    def get(self, request, *args, **kwargs):
        ci = self.get_object()
        depth = int_param(request, "depth", 2, high=services.MAX_DEPTH)
        return JsonResponse(services.neighbourhood(ci, depth=depth))


class BaselineListView(ObjectDetailView):
    queryset = Baseline.objects.select_related("taken_by")

    def get(self, request, *args, **kwargs):
        rows = self.get_queryset()[:200]
        return render(request, "cmdb/baseline_list.html",
                      {"title": "Baselines", "baselines": rows})


class BaselineDetailView(ObjectDetailView):
    queryset = Baseline.objects.select_related("taken_by")

    def get(self, request, *args, **kwargs):
        baseline = self.get_object()
        others = self.get_queryset().exclude(pk=baseline.pk)
        against = others.filter(pk=request.GET.get("against") or 0).first() \
            if (request.GET.get("against") or "").isdigit() else None
        return render(request, "cmdb/baseline_detail.html", {
            "title": f"Baseline {baseline}", "baseline": baseline, "others": others[:100],
            "against": against, "diff": baselines.diff(baseline, against)})
