"""The list columns every work record shares. Sortable columns are the
ones an index keeps in order (a million rows cannot be sorted by a joined
name on every page); the others filter."""

import django_tables2 as tables
from django_tables2.utils import AttributeDict


class RecordTable(tables.Table):
    selection = tables.CheckBoxColumn(
        accessor="number", orderable=False,
        attrs={"th__input": {"data-select-all": "1", "aria-label": "Select all"},
               "td__input": {"aria-label": "Select", "form": "bulk-form"}},
    )
    number = tables.Column(linkify=True, order_by=("id",))
    short_description = tables.Column(verbose_name="Short description", orderable=False)
    priority = tables.TemplateColumn("{% load servista %}{% priority_badge record.priority %}",
                                     order_by=("priority", "id"))
    state = tables.TemplateColumn("{% load servista %}{% state_badge record %}",
                                  order_by=("state", "priority", "id"))
    assignment_group = tables.Column(verbose_name="Group", orderable=False)
    assigned_to = tables.Column(orderable=False)
    updated_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Updated")

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle record-table"}
        row_attrs = {"data-number": lambda record: record.number}
        order_by = ("-number",)

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Each kind of record's table has its own id ("incident-table").
        model = self._meta.model or data.model
        self.attrs = AttributeDict({**self.attrs, "id": f"{model._meta.model_name}-table"})
        if self.empty_text is None:
            self.empty_text = f"No {model._meta.verbose_name_plural} here."
