from servista.core.generic_views import ObjectDetailView, ObjectListView

from .filtersets import ServiceFilterSet
from .models import Service
from .tables import ServiceTable


class ServiceListView(ObjectListView):
    queryset = Service.objects.select_related("owner_group")
    filterset = ServiceFilterSet
    table = ServiceTable


class ServiceDetailView(ObjectDetailView):
    queryset = Service.objects.select_related("owner_group")
    template_name = "catalog/service_detail.html"
    detail_fields = ("name", "description", "status", "criticality", "owner_group")
