from django.db.models import Q

from servista.core.permissions import Policy, register

from .models import Group, Organization, User


@register
class UserPolicy(Policy):
    """Staff see everyone; a requester sees only their own account."""

    model = User
    roles = {"view": "requester", "create": "admin", "change": "admin"}

    def scope(self, user, queryset):
        queryset = super().scope(user, queryset)
        if user is not None and user.is_authenticated and not user.is_agent:
            return queryset.filter(pk=user.pk)
        return queryset


@register
class GroupPolicy(Policy):
    model = Group
    roles = {"view": "requester", "create": "admin", "change": "manager"}


@register
class OrganizationPolicy(Policy):
    """Staff see every customer; a requester sees only their own."""

    model = Organization
    roles = {"view": "requester", "create": "admin", "change": "admin"}

    def scope(self, user, queryset):
        queryset = super().scope(user, queryset)
        if user is not None and user.is_authenticated and not user.is_agent:
            return queryset.filter(Q(pk=user.organization_id))
        return queryset
