from django.contrib import admin

from servista.core.admin import JournaledAdmin, ReadOnlyAdmin

from .models import Category, Incident


@admin.register(Category)
class CategoryAdmin(JournaledAdmin):
    list_display = ["__str__", "parent", "default_group", "active"]
    list_filter = ["active", "parent"]
    search_fields = ["name"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    """Incidents are worked in the agent workspace, where every change goes
    through the rules and the journal; the admin only shows them."""

    list_display = ["number", "short_description", "state", "priority", "assignment_group",
                    "assigned_to", "opened_at"]
    list_filter = ["state", "priority", "is_major"]
    search_fields = ["number", "short_description"]
    show_full_result_count = False
