from servista.core.permissions import Policy, is_agent, is_manager, register

from .models import PortfolioReview, Service, ServiceOffering


@register
class ServicePolicy(Policy):
    model = Service
    rules = {**Policy.rules, "change": is_manager, "review": is_manager}


@register
class ServiceOfferingPolicy(Policy):
    model = ServiceOffering
    rules = {**Policy.rules, "create": is_manager, "change": is_manager}


@register
class PortfolioReviewPolicy(Policy):
    model = PortfolioReview
    rules = {**Policy.rules, "view": is_agent}
