import factory
from factory.django import DjangoModelFactory

from .choices import CIClass
from .models import ConfigurationItem


class ConfigurationItemFactory(DjangoModelFactory):
    class Meta:
        model = ConfigurationItem
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"srv-{n:04d}")
    ci_class = CIClass.SERVER
