import django_tables2 as tables

from .models import Incident


class IncidentTable(tables.Table):
    selection = tables.CheckBoxColumn(
        accessor="number", orderable=False,
        attrs={"th__input": {"data-select-all": "1", "aria-label": "Select all"},
               "td__input": {"aria-label": "Select", "form": "bulk-form"}},
    )
    number = tables.Column(linkify=True, order_by=("id",))
    short_description = tables.Column(verbose_name="Short description")
    caller = tables.Column(order_by=("caller__last_name", "caller__first_name"))
    priority = tables.TemplateColumn(
        "{% load servista %}{% priority_badge record.priority %}"
        "{% if record.is_major %} <span class='badge text-bg-danger'>MAJOR</span>{% endif %}"
        "{% if record.escalated %} <i class='bi bi-arrow-up-circle-fill text-danger' "
        "title='Escalated'></i>{% endif %}")
    state = tables.TemplateColumn("{% load servista %}{% state_badge record %}")
    assignment_group = tables.Column(verbose_name="Group", order_by=("assignment_group__name",))
    assigned_to = tables.Column(order_by=("assigned_to__last_name",))
    updated_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Updated")

    class Meta:
        model = Incident
        fields = ("selection", "number", "short_description", "caller", "priority", "state",
                  "assignment_group", "assigned_to", "updated_at")
        attrs = {"class": "table table-sm table-hover align-middle", "id": "incident-table"}
        row_attrs = {"data-number": lambda record: record.number}
        order_by = ("-number",)
