from servista.core.permissions import Policy, register

from .models import Service


@register
class ServicePolicy(Policy):
    model = Service
    roles = {"view": "requester", "create": "admin", "change": "manager"}
