from servista.core.permissions import Policy, register

from .models import ConfigurationItem


@register
class ConfigurationItemPolicy(Policy):
    """The CMDB is the support staff's: requesters do not browse it."""

    model = ConfigurationItem
    roles = {"view": "agent", "create": "manager", "change": "manager"}
