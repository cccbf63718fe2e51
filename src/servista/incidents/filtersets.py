import django_filters
from django import forms

from servista.accounts.models import Group, Organization, User
from servista.catalog.models import Service
from servista.cmdb.models import ConfigurationItem
from servista.core.choices import Impact, Priority, Urgency
from servista.core.filtersets import BaseFilterSet, ChoicesFilter, RefFilter, yes_no

from .choices import Channel, IncidentState
from .models import Category, Incident

PEOPLE = ("username", "email")


def active_groups():
    return Group.objects.filter(active=True).order_by("name")


def services():
    return Service.objects.order_by("name")


def top_categories():
    return Category.objects.filter(parent=None).order_by("name")


class IncidentFilterSet(BaseFilterSet):
    """Filters of the incident lists (workspace, API, CLI). Each one is
    backed by an index of the incident table."""

    number_field = "number"
    search_fields = ("short_description",)

    state = ChoicesFilter(choices=IncidentState.choices,
                                                widget=forms.CheckboxSelectMultiple)
    open = django_filters.BooleanFilter(method="filter_open", label="Open", widget=yes_no())
    priority = ChoicesFilter(choices=Priority.choices,
                                                   widget=forms.CheckboxSelectMultiple)
    impact = ChoicesFilter(choices=Impact.choices)
    urgency = ChoicesFilter(choices=Urgency.choices)
    assignment_group = RefFilter(model=Group, pick_from=active_groups, label="Assignment group")
    assigned_to = RefFilter(model=User, lookups=PEOPLE, specials=("none", "me"),
                            label="Assigned to", help_text="username, 'me' or 'none'")
    caller = RefFilter(model=User, lookups=PEOPLE, specials=("me",))
    organization = RefFilter(model=Organization)
    service = RefFilter(model=Service, pick_from=services)
    ci = RefFilter(field_name="configuration_item", model=ConfigurationItem,
                   label="Configuration item")
    category = RefFilter(model=Category, specials=("none",), pick_from=top_categories)
    channel = ChoicesFilter(choices=Channel.choices)
    is_major = django_filters.BooleanFilter(label="Major incident", widget=yes_no())
    escalated = django_filters.BooleanFilter(widget=yes_no())
    parent = RefFilter(model=Incident, lookups=("number",), label="Parent incident")
    my_groups = django_filters.BooleanFilter(method="filter_my_groups", label="In my groups",
                                             widget=yes_no())
    opened_after = django_filters.IsoDateTimeFilter(
        field_name="opened_at", lookup_expr="gte", label="Opened after",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    opened_before = django_filters.IsoDateTimeFilter(
        field_name="opened_at", lookup_expr="lt", label="Opened before",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Updated after",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ordering = django_filters.OrderingFilter(
        # Orders an index keeps (see Incident.Meta.indexes).
        fields=(("id", "number"), ("priority", "priority"), ("state", "state"),
                ("opened_at", "opened_at"), ("updated_at", "updated_at")),
    )

    # Filters the workspace sidebar leaves to the API and the URL.
    hidden_in_ui = ("impact", "urgency", "channel", "organization", "parent", "ordering", "ci")

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
    active = django_filters.BooleanFilter(widget=yes_no())

    class Meta:
        model = Category
        fields = []
