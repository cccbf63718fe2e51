from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group as PermissionGroup

from servista.core.admin import JournaledAdmin
from servista.core.permissions import capabilities

from .models import APIToken, Group, Organization, User

# Servista's roles live on the user; Django's permission groups are not used.
admin.site.unregister(PermissionGroup)


@admin.register(User)
class ServistaUserAdmin(JournaledAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "organization",
                    "is_active"]
    list_filter = ["role", "organization", "is_active"]
    fieldsets = UserAdmin.fieldsets + (
        ("Servista", {"fields": ("role", "organization", "title", "phone")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Servista", {"fields": ("role", "organization", "email", "first_name", "last_name")}),
    )


@admin.register(Organization)
class OrganizationAdmin(JournaledAdmin):
    list_display = ["name", "active"]
    search_fields = ["name"]


class GroupForm(forms.ModelForm):
    """Capabilities are picked from those the practices registered."""

    capabilities = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(c.name, c.label) for c in capabilities()],
        help_text="What the members may do beyond their role.")

    class Meta:
        model = Group
        fields = ["name", "description", "email", "manager", "members", "is_service_desk",
                  "active", "capabilities"]


@admin.register(Group)
class GroupAdmin(JournaledAdmin):
    form = GroupForm
    list_display = ["name", "manager", "is_service_desk", "active"]
    list_filter = ["is_service_desk", "active"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
    raw_id_fields = ["manager"]


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    """Tokens are created with `servista token create` or on the profile
    page (the raw value is shown once); here they can only be revoked."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["user", "prefix", "digest", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked"]

    def has_add_permission(self, request):
        return False
