import factory
from factory.django import DjangoModelFactory

from servista.accounts.factories import AgentFactory, GroupFactory

from .models import Service


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    class Params:
        filled = factory.Trait(owner_group=factory.SubFactory(GroupFactory),
                               owner=factory.SubFactory(AgentFactory))

    name = factory.Sequence(lambda n: f"Service {n}")

    @factory.post_generation
    def customers(self, create, extracted, **kwargs):
        if create and extracted:
            self.customers.set(extracted)
