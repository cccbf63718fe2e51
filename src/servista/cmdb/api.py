"""REST resource /api/v1/cis."""

from servista.core.model_api import ModelAPI

from .filtersets import CIFilterSet
from .models import ConfigurationItem
from .schemas import CIIn, CIOut, CIPatch


class CIAPI(ModelAPI):
    model = ConfigurationItem
    name = "cis"
    out_schema = CIOut
    create_schema = CIIn
    update_schema = CIPatch
    filterset = CIFilterSet

    def get_queryset(self, request):
        return ConfigurationItem.objects.select_related("owner_group", "service")


router = CIAPI().router()


ROUTES = [("/cis", router)]
