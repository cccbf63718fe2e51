import django_tables2 as tables

from servista.core.records.tables import RecordTable

from .models import Problem


class ProblemTable(RecordTable):
    known = tables.TemplateColumn(
        "{% if record.is_known_error %}<span class='badge text-bg-warning'>Known error"
        "</span>{% endif %}", orderable=False, verbose_name="KEDB")

    class Meta(RecordTable.Meta):
        model = Problem
        fields = ("selection", "number", "short_description", "priority", "state", "known",
                  "assignment_group", "assigned_to", "updated_at")
