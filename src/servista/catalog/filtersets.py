import django_filters

from servista.accounts.models import Group
from servista.core.filtersets import BaseFilterSet, RefFilter

from .choices import Criticality, ServiceStatus
from .models import Service


class ServiceFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    status = django_filters.MultipleChoiceFilter(choices=ServiceStatus.choices)
    criticality = django_filters.MultipleChoiceFilter(choices=Criticality.choices)
    owner_group = RefFilter(model=Group)

    class Meta:
        model = Service
        fields = []
