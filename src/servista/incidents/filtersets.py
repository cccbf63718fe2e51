import django_filters

from servista.accounts.models import Group, Organization, User
from servista.catalog.models import Service
from servista.cmdb.models import ConfigurationItem
from servista.core.choices import Impact, Priority, Urgency
from servista.core.filtersets import BaseFilterSet, RefFilter

from .choices import Channel, IncidentState
from .models import Category, Incident

PEOPLE = ("username", "email")


class IncidentFilterSet(BaseFilterSet):
    number_field = "number"
    search_fields = ("short_description",)

    state = django_filters.MultipleChoiceFilter(choices=IncidentState.choices)
    open = django_filters.BooleanFilter(method="filter_open", label="Open")
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    impact = django_filters.MultipleChoiceFilter(choices=Impact.choices)
    urgency = django_filters.MultipleChoiceFilter(choices=Urgency.choices)
    assignment_group = RefFilter(model=Group)
    assigned_to = RefFilter(model=User, lookups=PEOPLE, specials=("none", "me"))
    caller = RefFilter(model=User, lookups=PEOPLE, specials=("me",))
    organization = RefFilter(model=Organization)
    service = RefFilter(model=Service)
    ci = RefFilter(field_name="configuration_item", model=ConfigurationItem)
    category = RefFilter(model=Category, specials=("none",))
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    is_major = django_filters.BooleanFilter()
    escalated = django_filters.BooleanFilter()
    parent = RefFilter(model=Incident, lookups=("number",))
    my_groups = django_filters.BooleanFilter(method="filter_my_groups",
                                             label="In my groups")
    opened_after = django_filters.IsoDateTimeFilter(field_name="opened_at", lookup_expr="gte")
    opened_before = django_filters.IsoDateTimeFilter(field_name="opened_at", lookup_expr="lt")
    updated_after = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("id", "number"), ("priority", "priority"), ("state", "state"),
            ("opened_at", "opened_at"), ("updated_at", "updated_at"),
            ("short_description", "short_description"),
            ("assignment_group__name", "assignment_group"),
            ("assigned_to__username", "assigned_to"),
        ),
    )

    class Meta:
        model = Incident
        fields = []

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(state__in=IncidentState.OPEN)
        return queryset.exclude(state__in=IncidentState.OPEN)

    def filter_my_groups(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(assignment_group__in=user.support_groups.values("pk"))


class CategoryFilterSet(BaseFilterSet):
    search_fields = ("name",)
    parent = RefFilter(model=Category, specials=("none",))
    active = django_filters.BooleanFilter()

    class Meta:
        model = Category
        fields = []
