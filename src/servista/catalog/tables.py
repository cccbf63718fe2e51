import django_tables2 as tables

from .models import Service


class ServiceTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = Service
        fields = ("name", "status", "criticality", "owner_group")
        attrs = {"class": "table table-sm table-hover"}
