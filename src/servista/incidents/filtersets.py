import django_filters

from servista.accounts.models import Organization, User
from servista.core.filtersets import BaseFilterSet, ChoicesFilter, RefFilter, yes_no
from servista.core.records.filtersets import WorkRecordFilterSet

from .choices import Channel
from .figures import FIRST_CONTACT
from .models import Category, Incident


def top_categories():
    return Category.objects.filter(parent=None).order_by("name")


class IncidentFilterSet(WorkRecordFilterSet):
    """Filters of the incident lists (workspace, API, CLI): the kit's, plus
    the incident's own. Each one is backed by an index of the incident table."""

    caller = RefFilter(model=User, specials=("me",))
    organization = RefFilter(model=Organization)
    category = RefFilter(model=Category, specials=("none",), pick_from=top_categories)
    channel = ChoicesFilter(choices=Channel.choices)
    is_major = django_filters.BooleanFilter(label="Major incident", widget=yes_no())
    escalated = django_filters.BooleanFilter(widget=yes_no())
    parent = RefFilter(model=Incident, label="Parent incident")
    # Behind the service desk dashboard's figures (index: state, resolved_at).
    resolved_after = django_filters.IsoDateTimeFilter(field_name="resolved_at",
                                                      lookup_expr="gte", label="Resolved after")
    resolved_before = django_filters.IsoDateTimeFilter(field_name="resolved_at",
                                                       lookup_expr="lt", label="Resolved before")
    reassigned = django_filters.BooleanFilter(method="filter_reassigned", widget=yes_no(),
                                              label="Reassigned at least once")
    first_contact = django_filters.BooleanFilter(
        method="filter_first_contact", widget=yes_no(),
        label="Resolved at first contact (never reassigned, escalated or reopened)")

    hidden_in_ui = (*WorkRecordFilterSet.hidden_in_ui, "channel", "organization", "parent",
                    "resolved_after", "resolved_before", "reassigned", "first_contact")
    person_search_fields = ("caller",)

    def filter_reassigned(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(reassignment_count__gt=0) if value \
            else queryset.filter(reassignment_count=0)

    def filter_first_contact(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(FIRST_CONTACT) if value else queryset.exclude(FIRST_CONTACT)

    class Meta:
        model = Incident
        fields = []


class CategoryFilterSet(BaseFilterSet):
    search_fields = ("name",)
    parent = RefFilter(model=Category, specials=("none",))
    active = django_filters.BooleanFilter(widget=yes_no())

    class Meta:
        model = Category
        fields = []
