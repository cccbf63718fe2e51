import django_tables2 as tables

from .models import Group, Organization, User


class UserTable(tables.Table):
    username = tables.Column(linkify=True)
    name = tables.Column(accessor="get_full_name", verbose_name="Name", orderable=False)
    role = tables.Column()
    organization = tables.Column()
    email = tables.EmailColumn()

    class Meta:
        model = User
        fields = ("username", "name", "role", "organization", "email", "is_active")
        attrs = {"class": "table table-sm table-hover"}


class GroupTable(tables.Table):
    name = tables.Column(linkify=True)
    manager = tables.Column()
    member_count = tables.Column(verbose_name="Members")

    class Meta:
        model = Group
        fields = ("name", "manager", "member_count", "is_service_desk", "active")
        attrs = {"class": "table table-sm table-hover"}


class OrganizationTable(tables.Table):
    name = tables.Column(linkify=True)
    user_count = tables.Column(verbose_name="People")

    class Meta:
        model = Organization
        fields = ("name", "user_count", "active")
        attrs = {"class": "table table-sm table-hover"}
