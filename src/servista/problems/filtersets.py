import django_filters

from servista.core.filtersets import ChoicesFilter, RefFilter, yes_no
from servista.core.records.filtersets import WorkRecordFilterSet
from servista.incidents.models import Category, Incident

from .choices import Probability, ProblemState, Source
from .models import Problem


def top_categories():
    return Category.objects.filter(parent=None).order_by("name")


class ProblemFilterSet(WorkRecordFilterSet):
    """Filters of the problem lists (pages, API, CLI): the kit's, plus
    probability, source, category, the known errors, a linked incident and
    re-assessments due."""

    urgency = None
    probability = ChoicesFilter(choices=Probability.choices)
    source = ChoicesFilter(choices=Source.choices)
    category = RefFilter(model=Category, specials=("none",), pick_from=top_categories)
    known_error = django_filters.BooleanFilter(method="filter_known_error",
                                               label="Known errors (unresolved)",
                                               widget=yes_no())
    incident = RefFilter(model=Incident, specials=(), method="filter_incident",
                         label="Causes incident")
    review_due_before = django_filters.DateFilter(field_name="review_due", lookup_expr="lte",
                                                  label="Re-assessment due by")

    hidden_in_ui = (*WorkRecordFilterSet.hidden_in_ui, "probability", "source", "incident",
                    "review_due_before")

    class Meta:
        model = Problem
        fields = []

    def filter_known_error(self, queryset, name, value):
        if value is None:
            return queryset
        known = {"state__in": ProblemState.KNOWN_ERRORS}
        return queryset.filter(**known) if value else queryset.exclude(**known)

    def filter_incident(self, queryset, name, value):
        if value is None:
            return queryset
        from . import services

        return queryset.filter(pk__in=services.problems_of(value).values("pk"))
