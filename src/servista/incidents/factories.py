import factory
from factory.django import DjangoModelFactory

from servista.accounts.factories import UserFactory

from . import services
from .models import Category, Incident


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name", "parent")

    name = factory.Sequence(lambda n: f"Category {n}")
    parent = None


class IncidentFactory(DjangoModelFactory):
    """Logs incidents through the service, as a person would: numbered,
    prioritised and journaled."""

    class Meta:
        model = Incident

    short_description = factory.Faker("sentence", nb_words=6)
    caller = factory.SubFactory(UserFactory)
    impact = 2
    urgency = 2

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        actor = kwargs.pop("opened_by", None) or kwargs["caller"]
        return services.log_incident(actor, **kwargs)
