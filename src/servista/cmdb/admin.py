from django.contrib import admin

from .models import ConfigurationItem


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(admin.ModelAdmin):
    list_display = ["name", "ci_class", "status", "criticality", "owner_group", "service"]
    list_filter = ["ci_class", "status", "criticality"]
    search_fields = ["name"]
