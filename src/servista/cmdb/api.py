"""REST resource /api/v1/cis."""

from servista.accounts.models import Group
from servista.catalog.models import Service
from servista.core.record_api import ModelAPI

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
    ref_fields = {"owner_group": (Group, ("name",)), "service": (Service, ("name",))}
    number_field = "name"

    def get_queryset(self, request):
        return ConfigurationItem.objects.select_related("owner_group", "service")


router = CIAPI().router()
