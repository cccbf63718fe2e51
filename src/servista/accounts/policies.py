from django.db.models import Q

from servista.core.permissions import Policy, is_admin, is_agent, is_manager, register

from .models import Group, Organization, User


@register
class UserPolicy(Policy):
    """Staff see everyone; a requester sees only their own account."""

    model = User

    def scope(self, user, queryset):
        queryset = super().scope(user, queryset)
        if user is not None and user.is_authenticated and not is_agent(user):
            return queryset.filter(pk=user.pk)
        return queryset


@register
class GroupPolicy(Policy):
    """Managers run their teams (members, manager); administrators create
    groups and give them capabilities."""

    model = Group
    rules = {**Policy.rules, "change": is_manager, "grant_capabilities": is_admin}


@register
class OrganizationPolicy(Policy):
    """Staff see every customer; a requester sees only their own."""

    model = Organization

    def scope(self, user, queryset):
        queryset = super().scope(user, queryset)
        if user is not None and user.is_authenticated and not is_agent(user):
            return queryset.filter(Q(pk=user.organization_id))
        return queryset
