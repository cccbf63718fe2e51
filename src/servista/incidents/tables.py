import django_tables2 as tables
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timeuntil

from servista.core.records.tables import RecordTable

from .models import Incident


class IncidentTable(RecordTable):
    caller = tables.Column(orderable=False)
    priority = tables.TemplateColumn(
        "{% load servista %}{% priority_badge record.priority %}"
        "{% if record.is_major %} <span class='badge text-bg-danger'>MAJOR</span>{% endif %}"
        "{% if record.escalated %} <i class='bi bi-arrow-up-circle-fill text-danger' "
        "title='Escalated'></i>{% endif %}", order_by=("priority", "id"))
    # The earliest due time of the incident's running SLA/OLA timers
    # (annotated by sla.services.with_due_time); soonest first, none last.
    sla_due_at = tables.Column(verbose_name="Time left", default="")

    class Meta(RecordTable.Meta):
        model = Incident
        fields = ("selection", "number", "short_description", "caller", "priority",
                  "sla_due_at", "state", "assignment_group", "assigned_to", "updated_at")

    def render_sla_due_at(self, value):
        if timezone.now() >= value:
            return format_html('<span class="badge text-bg-danger" title="Due {}">breached</span>',
                               value.isoformat())
        return format_html('<time datetime="{}">{}</time>', value.isoformat(), timeuntil(value))

    def order_sla_due_at(self, queryset, is_descending):
        order = F("sla_due_at").desc(nulls_last=True) if is_descending \
            else F("sla_due_at").asc(nulls_last=True)
        return queryset.order_by(order, "id"), True
