import django_tables2 as tables

from .models import ConfigurationItem


class CITable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = ConfigurationItem
        fields = ("name", "ci_class", "status", "environment", "criticality", "service",
                  "owner_group")
        attrs = {"class": "table table-sm table-hover"}
