from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist

from . import audit, clock
from .models import JournalEntry, PriorityMatrix, ResponseTemplate, Task


class JournaledAdmin(admin.ModelAdmin):
    """Every addition, change (the change form, with its many-to-many
    fields, and the changelist's editable columns) and deletion made here is
    journaled like work records' changes (``servista.core.audit``); the
    model must be registered with ``audit.register``."""

    def save_model(self, request, obj, form, change):
        # The form has changed the instance already: the stored row is the
        # "before". Many-to-many fields are saved later, in save_related.
        before = None
        if change:
            # Without the default ordering, whose joins FOR UPDATE may refuse.
            stored = type(obj)._base_manager.select_for_update().filter(pk=obj.pk) \
                .order_by().first()
            if stored is not None:
                before = audit.snapshot(stored)
                _keep_unchanged(obj, stored, form)
        request.__dict__.setdefault("_journal_before", {})[id(obj)] = before
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = request.__dict__.get("_journal_before", {}).pop(id(obj), None)
        if not change:
            audit.journal_created(obj, request.user)
        elif before is not None:
            audit.journal_changed(obj, request.user, before)

    def delete_model(self, request, obj):
        with audit.deleting(obj, request.user):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with audit.deleting(queryset, request.user):
            super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in the admin, changed only through the application's rules."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _keep_unchanged(obj, stored, form) -> None:
    """A field the form shows but the person did not change keeps its stored
    value: the form's own rendering may not give it back exactly (a
    date-time widget drops the microseconds, so every save of a user would
    otherwise change ``date_joined``, and journal that)."""
    for name in form.fields:
        if name in form.changed_data:
            continue
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and not field.many_to_many and not field.primary_key:
            setattr(obj, field.attname, getattr(stored, field.attname))


@admin.register(PriorityMatrix)
class PriorityMatrixAdmin(JournaledAdmin):
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


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    """Canned answers, personal (an owner) or a group's; the model's
    validation refuses unknown placeholders and a template both or neither."""

    list_display = ["title", "owner", "group", "updated_at"]
    list_filter = ["group"]
    search_fields = ["title", "body"]
    raw_id_fields = ["owner", "created_by"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "attempts", "run_after", "sent_at", "lease_until",
                    "finished_at"]
    list_filter = ["status", "name"]
    readonly_fields = ["name", "kwargs", "attempts", "last_error", "created_at", "sent_at",
                       "lease_until", "finished_at"]
