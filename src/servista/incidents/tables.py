import django_tables2 as tables

from servista.core.records.tables import RecordTable

from .models import Incident


class IncidentTable(RecordTable):
    caller = tables.Column(orderable=False)
    priority = tables.TemplateColumn(
        "{% load servista %}{% priority_badge record.priority %}"
        "{% if record.is_major %} <span class='badge text-bg-danger'>MAJOR</span>{% endif %}"
        "{% if record.escalated %} <i class='bi bi-arrow-up-circle-fill text-danger' "
        "title='Escalated'></i>{% endif %}", order_by=("priority", "id"))

    class Meta(RecordTable.Meta):
        model = Incident
        fields = ("selection", "number", "short_description", "caller", "priority", "state",
                  "assignment_group", "assigned_to", "updated_at")
