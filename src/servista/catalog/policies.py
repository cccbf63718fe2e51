from servista.core.permissions import Policy, is_manager, register

from .models import Service


@register
class ServicePolicy(Policy):
    model = Service
    rules = {**Policy.rules, "change": is_manager}
