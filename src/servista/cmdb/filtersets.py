import django_filters

from servista.accounts.models import Group, Organization
from servista.catalog.choices import Criticality
from servista.catalog.models import Service
from servista.core.filtersets import BaseFilterSet, ChoicesFilter, RefFilter

from . import services
from .choices import CIStatus, Environment
from .models import CIClass, ConfigurationItem


class ClassFilter(RefFilter):
    """An item's class, or any class below it (``?ci_class=hardware``)."""

    def filter(self, qs, value):
        if value is None or value == "none":
            return qs if value is None else qs.none()
        return qs.filter(ci_class__in=services.Schemas().descendants(value))


class CIFilterSet(BaseFilterSet):
    search_fields = ("name", "short_name", "abbreviations", "description")
    ci_class = ClassFilter(model=CIClass, lookups=("key", "name"), specials=(),
                           label="Class", pick_from=lambda: CIClass.objects.all())
    status = ChoicesFilter(choices=CIStatus.choices)
    environment = ChoicesFilter(choices=Environment.choices)
    criticality = ChoicesFilter(choices=Criticality.choices)
    owner_group = RefFilter(model=Group)
    organization = RefFilter(model=Organization)
    service = RefFilter(model=Service)
    attribute = django_filters.CharFilter(
        method="by_attribute", label="Attribute",
        help_text="key=value, e.g. operating_system=linux (a value of the attribute's type)")

    class Meta:
        model = ConfigurationItem
        fields = []

    def by_attribute(self, queryset, name, value):
        key, sep, wanted = value.partition("=")
        key = key.strip()
        if not sep or not key:
            return queryset.none()   # names no attribute: nothing has it
        return queryset.filter(**services.attribute_filter(key, wanted.strip()))
