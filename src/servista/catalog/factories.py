import factory
from factory.django import DjangoModelFactory

from servista.accounts.factories import GroupFactory

from .models import Service


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("name",)

    class Params:
        filled = factory.Trait(owner_group=factory.SubFactory(GroupFactory))

    name = factory.Sequence(lambda n: f"Service {n}")
