import django_filters

from servista.accounts.models import Group
from servista.catalog.choices import Criticality
from servista.catalog.models import Service
from servista.core.filtersets import BaseFilterSet, RefFilter

from .choices import CIClass, CIStatus
from .models import ConfigurationItem


class CIFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    ci_class = django_filters.MultipleChoiceFilter(choices=CIClass.choices)
    status = django_filters.MultipleChoiceFilter(choices=CIStatus.choices)
    criticality = django_filters.MultipleChoiceFilter(choices=Criticality.choices)
    owner_group = RefFilter(model=Group)
    service = RefFilter(model=Service)

    class Meta:
        model = ConfigurationItem
        fields = []
