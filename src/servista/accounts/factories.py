"""Factories for people, organizations and groups, used by the tests. With
``filled=True`` a factory fills every relation of what it makes, so that a
query-count check over its objects sees a missing join or prefetch."""

import factory
from factory.django import DjangoModelFactory

from .choices import Role
from .models import Group, Organization, User


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organization {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    username = factory.LazyAttributeSequence(
        lambda o, n: f"{o.first_name}.{o.last_name}{n}".lower().replace(" ", "").replace("'", "")
    )
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.REQUESTER
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.django.Password("servista-test-pass")


class AgentFactory(UserFactory):
    role = Role.AGENT
    organization = None


class ManagerFactory(UserFactory):
    role = Role.MANAGER
    organization = None


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    class Params:
        filled = factory.Trait(manager=factory.SubFactory(ManagerFactory))

    name = factory.Sequence(lambda n: f"Support group {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted:
            self.members.add(*extracted)
        elif self.manager_id is not None:  # filled: the manager and an agent
            self.members.add(self.manager, AgentFactory())
