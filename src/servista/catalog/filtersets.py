
from servista.accounts.models import Group
from servista.core.filtersets import BaseFilterSet, ChoicesFilter, RefFilter

from .choices import Criticality, ServiceStatus
from .models import Service


class ServiceFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    status = ChoicesFilter(choices=ServiceStatus.choices)
    criticality = ChoicesFilter(choices=Criticality.choices)
    owner_group = RefFilter(model=Group)

    class Meta:
        model = Service
        fields = []
