from django.contrib import admin

from servista.core.admin import JournaledAdmin

from .models import ConfigurationItem


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(JournaledAdmin):
    list_display = ["name", "ci_class", "status", "criticality", "owner_group", "service"]
    list_filter = ["ci_class", "status", "criticality"]
    search_fields = ["name"]
