import factory
from factory.django import DjangoModelFactory

from servista.accounts.factories import AgentFactory, GroupFactory, OrganizationFactory
from servista.catalog.factories import ServiceFactory

from .models import CIClass, ConfigurationItem


class ConfigurationItemFactory(DjangoModelFactory):
    class Meta:
        model = ConfigurationItem
        django_get_or_create = ("name",)

    class Params:
        filled = factory.Trait(owner_group=factory.SubFactory(GroupFactory),
                               service=factory.SubFactory(ServiceFactory),
                               organization=factory.SubFactory(OrganizationFactory),
                               owner=factory.SubFactory(AgentFactory))

    name = factory.Sequence(lambda n: f"srv-{n:04d}")
    ci_class = factory.LazyFunction(
        lambda: CIClass.objects.get_or_create(key="server", defaults={"name": "Server"})[0])
