from servista.core.permissions import Policy, is_agent, is_manager, is_member_of, register

from .models import ConfigurationItem


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
    }
