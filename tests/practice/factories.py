import factory
from factory.django import DjangoModelFactory

from .models import Chore
from .services import rules


class ChoreFactory(DjangoModelFactory):
    """Creates chores through the service, as a person would."""

    class Meta:
        model = Chore

    short_description = factory.Faker("sentence", nb_words=4)

    @classmethod
    def _create(cls, model_class, *args, opened_by, **kwargs):
        return rules.create(opened_by, kwargs)


def chore_with_every_relation(*, agent) -> Chore:
    """A chore filling every relation (the query-count checks)."""
    from servista.catalog.factories import ServiceFactory
    from servista.cmdb.factories import ConfigurationItemFactory

    return rules.create(agent, {
        "short_description": "Renew the certificates", "service": ServiceFactory(),
        "configuration_item": ConfigurationItemFactory(),
        "affected_services": [ServiceFactory()], "affected_cis": [ConfigurationItemFactory()],
        "assignment_group": agent.support_groups.first(), "assigned_to": agent})
