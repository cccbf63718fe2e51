from django.contrib import admin

from servista.core.admin import JournaledAdmin

from .models import Service


@admin.register(Service)
class ServiceAdmin(JournaledAdmin):
    list_display = ["name", "status", "criticality", "owner_group"]
    list_filter = ["status", "criticality"]
    search_fields = ["name"]
