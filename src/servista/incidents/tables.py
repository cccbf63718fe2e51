import django_tables2 as tables

from .models import Incident


class IncidentTable(tables.Table):
    selection = tables.CheckBoxColumn(
        accessor="number", orderable=False,
        attrs={"th__input": {"data-select-all": "1", "aria-label": "Select all"},
               "td__input": {"aria-label": "Select", "form": "bulk-form"}},
    )
    # Sortable columns are the ones an index keeps in order (a million rows
    # cannot be sorted by a joined name on every page); the others filter.
    number = tables.Column(linkify=True, order_by=("id",))
    short_description = tables.Column(verbose_name="Short description", orderable=False)
    caller = tables.Column(orderable=False)
    priority = tables.TemplateColumn(
        "{% load servista %}{% priority_badge record.priority %}"
        "{% if record.is_major %} <span class='badge text-bg-danger'>MAJOR</span>{% endif %}"
        "{% if record.escalated %} <i class='bi bi-arrow-up-circle-fill text-danger' "
        "title='Escalated'></i>{% endif %}", order_by=("priority", "id"))
    # The index on (state, priority, id) keeps this order.
    state = tables.TemplateColumn("{% load servista %}{% state_badge record %}",
                                  order_by=("state", "priority", "id"))
    assignment_group = tables.Column(verbose_name="Group", orderable=False)
    assigned_to = tables.Column(orderable=False)
    updated_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Updated")

    class Meta:
        model = Incident
        fields = ("selection", "number", "short_description", "caller", "priority", "state",
                  "assignment_group", "assigned_to", "updated_at")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "incident-table"}
        row_attrs = {"data-number": lambda record: record.number}
        order_by = ("-number",)
