"""REST resource /api/v1/services."""

from servista.core.model_api import ModelAPI

from .filtersets import ServiceFilterSet
from .models import Service
from .schemas import ServiceIn, ServiceOut, ServicePatch


class ServiceAPI(ModelAPI):
    model = Service
    name = "services"
    out_schema = ServiceOut
    create_schema = ServiceIn
    update_schema = ServicePatch
    filterset = ServiceFilterSet

    def get_queryset(self, request):
        return Service.objects.select_related("owner_group")


router = ServiceAPI().router()


ROUTES = [("/services", router)]
