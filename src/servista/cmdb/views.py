from servista.core.generic_views import ObjectDetailView, ObjectListView

from .filtersets import CIFilterSet
from .models import ConfigurationItem
from .tables import CITable


class CIListView(ObjectListView):
    queryset = ConfigurationItem.objects.select_related("owner_group", "service")
    filterset = CIFilterSet
    table = CITable


class CIDetailView(ObjectDetailView):
    queryset = ConfigurationItem.objects.select_related("owner_group", "service")
    template_name = "cmdb/ci_detail.html"
    detail_fields = ("name", "ci_class", "status", "criticality", "description", "service",
                     "owner_group")
