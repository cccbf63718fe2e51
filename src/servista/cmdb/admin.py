from django.contrib import admin

from servista.core.admin import JournaledAdmin

from .models import (
    AttributeDefinition,
    CIClass,
    ConfigurationItem,
    RelationshipRule,
    RelationshipType,
)


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(JournaledAdmin):
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
