from servista.core.generic_views import ObjectDetailView, ObjectListView

from .filtersets import ServiceFilterSet
from .models import Service
from .tables import ServiceTable


class ServiceListView(ObjectListView):
    queryset = Service.objects.select_related("owner_group")
    filterset = ServiceFilterSet
    table = ServiceTable


class ServiceDetailView(ObjectDetailView):
    queryset = Service.objects.select_related("owner_group", "owner", "configuration_item")
    template_name = "catalog/service_detail.html"
    detail_fields = ("name", "description", "status", "criticality", "owner_group", "owner",
                     "service_hours")

    def get_context(self, obj, **extra):
        try:
            ci = obj.configuration_item
        except Service.configuration_item.RelatedObjectDoesNotExist:
            ci = None
        return super().get_context(
            obj, customers=list(obj.customers.all()), ci=ci,
            offerings=list(obj.offerings.all()),
            reviews=list(obj.reviews.select_related("reviewed_by")[:20]), **extra)
