import django_filters

from servista.accounts.models import Organization, User
from servista.core.filtersets import BaseFilterSet, ChoicesFilter, RefFilter, yes_no
from servista.core.records.filtersets import WorkRecordFilterSet

from .choices import Channel
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

    hidden_in_ui = (*WorkRecordFilterSet.hidden_in_ui, "channel", "organization", "parent")
    person_search_fields = ("caller",)

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
