from servista.core.permissions import Policy, is_agent, is_manager, is_member_of, register

from .models import (
    AttributeDefinition,
    Baseline,
    CIClass,
    ConfigurationItem,
    Relationship,
    RelationshipRule,
    RelationshipType,
)


@register
class ConfigurationItemPolicy(Policy):
    """The CMDB is the support staff's: requesters do not browse it.
    Managers create and change items; the members of an item's owner group
    (its owners) keep their own items up to date."""

    model = ConfigurationItem
    rules = {
        **Policy.rules,
        "view": is_agent,
        "view_history": is_agent,
        "create": is_manager,
        "change": is_manager | (is_agent & is_member_of("owner_group")),
        "import": is_manager,
    }


@register
class RelationshipPolicy(Policy):
    """Relating items is changing them: managers, and the owners of the
    source item (the object the rules are asked about)."""

    model = Relationship
    rules = {
        **Policy.rules,
        "view": is_agent,
        "create": is_manager | (is_agent & is_member_of("owner_group")),
        "delete": is_manager | (is_agent & is_member_of("owner_group")),
    }


@register
class BaselinePolicy(Policy):
    model = Baseline
    rules = {**Policy.rules, "view": is_agent, "create": is_manager}


class _StructurePolicy(Policy):
    """The CMDB's structure (classes, their attributes, relationship types
    and rules): the staff read it, administrators define it."""

    rules = {**Policy.rules, "view": is_agent}


for _model in (CIClass, AttributeDefinition, RelationshipType, RelationshipRule):
    register(type(f"{_model.__name__}Policy", (_StructurePolicy,), {"model": _model}))
