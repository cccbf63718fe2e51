from django import forms
from django.contrib import admin

from servista.core.admin import JournaledAdmin
from servista.core.exceptions import ValidationFailed

from . import services
from .models import (
    AttributeDefinition,
    CIClass,
    ConfigurationItem,
    RelationshipRule,
    RelationshipType,
)


class ConfigurationItemForm(forms.ModelForm):
    """The admin's writes follow the class schema too."""

    class Meta:
        model = ConfigurationItem
        fields = ("name", "short_name", "abbreviations", "ci_class", "status", "environment",
                  "organization", "owner_group", "owner", "criticality", "description",
                  "service", "represents", "attributes")

    def clean(self):
        cleaned = super().clean()
        ci_class = cleaned.get("ci_class")
        if ci_class is not None:
            try:
                cleaned["attributes"] = services.clean_attributes(
                    ci_class, cleaned.get("attributes") or {})
            except ValidationFailed as exc:
                self.add_error("attributes", "; ".join(
                    f"{name}: {messages[0]}" for name, messages in exc.errors.items()))
        return cleaned


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(JournaledAdmin):
    form = ConfigurationItemForm
    list_display = ["name", "ci_class", "status", "environment", "criticality", "owner_group",
                    "service"]
    list_filter = ["ci_class", "status", "environment", "criticality"]
    search_fields = ["name", "short_name"]


class AttributeInline(admin.TabularInline):
    model = AttributeDefinition
    fk_name = "ci_class"
    extra = 0


@admin.register(CIClass)
class CIClassAdmin(JournaledAdmin):
    list_display = ["name", "key", "parent", "is_service"]
    search_fields = ["name", "key"]
    inlines = [AttributeInline]


class RuleInline(admin.TabularInline):
    model = RelationshipRule
    extra = 0


@admin.register(RelationshipType)
class RelationshipTypeAdmin(JournaledAdmin):
    list_display = ["name", "reverse_name", "key", "impact"]
    inlines = [RuleInline]
