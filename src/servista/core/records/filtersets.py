"""The filters every work record's lists share (workspace, API, CLI). A
practice's filter set subclasses ``WorkRecordFilterSet`` and adds its own;
its model should index each filter it offers (see the incident model)."""

import django_filters
from django import forms

from servista.core.choices import Impact, Priority, Urgency
from servista.core.filtersets import BaseFilterSet, ChoicesFilter, RefFilter, yes_no


def _datetime(field_name: str, lookup_expr: str, label: str):
    return django_filters.IsoDateTimeFilter(
        field_name=field_name, lookup_expr=lookup_expr, label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class WorkRecordFilterSet(BaseFilterSet):
    """State, priority, assignment, service and CI, dates, and ``q``."""

    number_field = "number"
    search_fields = ("short_description",)

    # Choices of the record's own states: filled in from Meta.model.State.
    state = ChoicesFilter(choices=[], widget=forms.CheckboxSelectMultiple)
    open = django_filters.BooleanFilter(method="filter_open", label="Open", widget=yes_no())
    priority = ChoicesFilter(choices=Priority.choices, widget=forms.CheckboxSelectMultiple)
    impact = ChoicesFilter(choices=Impact.choices)
    urgency = ChoicesFilter(choices=Urgency.choices)
    # The related models are the record's own (filled in below).
    assignment_group = RefFilter(label="Assignment group")
    assigned_to = RefFilter(specials=("none", "me"), label="Assigned to",
                            help_text="username, 'me' or 'none'")
    service = RefFilter()
    ci = RefFilter(field_name="configuration_item", label="Configuration item")
    affects_service = RefFilter(field_name="affected_services", specials=(),
                                label="Also affects service")
    affects_ci = RefFilter(field_name="affected_cis", specials=(),
                           label="Also affects configuration item")
    my_groups = django_filters.BooleanFilter(method="filter_my_groups", label="In my groups",
                                             widget=yes_no())
    opened_after = _datetime("opened_at", "gte", "Opened after")
    opened_before = _datetime("opened_at", "lt", "Opened before")
    updated_after = _datetime("updated_at", "gte", "Updated after")
    ordering = django_filters.OrderingFilter(
        # Orders an index keeps.
        fields=(("id", "number"), ("priority", "priority"), ("state", "state"),
                ("opened_at", "opened_at"), ("updated_at", "updated_at")),
    )

    # Filters the sidebar leaves to the API and the URL.
    hidden_in_ui = ("impact", "urgency", "ordering", "ci", "affects_service", "affects_ci")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        self.filters["state"].extra["choices"] = model.State.choices
        for name, filt in self.filters.items():
            if isinstance(filt, RefFilter) and filt.extra.get("model") is None:
                related = model._meta.get_field(filt.field_name).related_model
                filt.extra["model"] = related
                if name in PICKERS:
                    filt.extra["pick_from"] = PICKERS[name](related)

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        states = queryset.model.State.open_states()
        if value:
            return queryset.filter(state__in=states)
        return queryset.exclude(state__in=states)

    def filter_my_groups(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(assignment_group__in=user.support_group_ids())


# The sidebar offers these as selects: active groups, every service, by name.
PICKERS = {
    "assignment_group": lambda model: lambda: model.objects.filter(active=True).order_by("name"),
    "service": lambda model: lambda: model.objects.order_by("name"),
}


def filterset_for(model):
    """The kit's filter set for ``model``, for a practice with no filter of
    its own."""
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(f"{model.__name__}FilterSet", (WorkRecordFilterSet,), {"Meta": meta})
