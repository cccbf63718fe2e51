from django.contrib import admin

from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "criticality", "owner_group"]
    list_filter = ["status", "criticality"]
    search_fields = ["name"]
