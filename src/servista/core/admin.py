from django.contrib import admin

from .models import JournalEntry, PriorityMatrix, Task


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in the admin, changed only through the application's rules."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PriorityMatrix)
class PriorityMatrixAdmin(admin.ModelAdmin):
    """The impact x urgency -> priority matrix; changes apply to incidents
    logged or re-prioritised from then on."""

    list_display = ["impact", "urgency", "priority"]
    list_editable = ["priority"]
    ordering = ["impact", "urgency"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    """The journal is append-only."""

    list_display = ["created_at", "content_type", "object_id", "kind", "actor", "origin"]
    list_filter = ["kind", "origin", "content_type"]
    date_hierarchy = "created_at"


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "attempts", "run_after", "finished_at"]
    list_filter = ["status", "name"]
    readonly_fields = ["name", "kwargs", "attempts", "last_error", "created_at", "finished_at"]
