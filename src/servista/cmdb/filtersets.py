
from servista.accounts.models import Group
from servista.catalog.choices import Criticality
from servista.catalog.models import Service
from servista.core.filtersets import BaseFilterSet, ChoicesFilter, RefFilter

from .choices import CIClass, CIStatus
from .models import ConfigurationItem


class CIFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    ci_class = ChoicesFilter(choices=CIClass.choices)
    status = ChoicesFilter(choices=CIStatus.choices)
    criticality = ChoicesFilter(choices=Criticality.choices)
    owner_group = RefFilter(model=Group)
    service = RefFilter(model=Service)

    class Meta:
        model = ConfigurationItem
        fields = []
