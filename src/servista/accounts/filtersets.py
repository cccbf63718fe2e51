import django_filters

from servista.core.filtersets import BaseFilterSet, ChoicesFilter, RefFilter

from .choices import Role
from .models import Group, Organization, User


class UserFilterSet(BaseFilterSet):
    search_fields = ("username", "first_name", "last_name", "email")
    role = ChoicesFilter(choices=Role.choices)
    organization = RefFilter(model=Organization)
    group = RefFilter(field_name="support_groups", model=Group)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = User
        fields = []


class GroupFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    member = RefFilter(field_name="members", model=User, lookups=("username",),
                       specials=("me",))
    active = django_filters.BooleanFilter()

    class Meta:
        model = Group
        fields = []


class OrganizationFilterSet(BaseFilterSet):
    search_fields = ("name",)
    active = django_filters.BooleanFilter()

    class Meta:
        model = Organization
        fields = []
