import factory
from factory.django import DjangoModelFactory

from servista.accounts.factories import GroupFactory
from servista.catalog.factories import ServiceFactory

from .choices import CIClass
from .models import ConfigurationItem


class ConfigurationItemFactory(DjangoModelFactory):
    class Meta:
        model = ConfigurationItem
        django_get_or_create = ("name",)

    class Params:
        filled = factory.Trait(owner_group=factory.SubFactory(GroupFactory),
                               service=factory.SubFactory(ServiceFactory))

    name = factory.Sequence(lambda n: f"srv-{n:04d}")
    ci_class = CIClass.SERVER
