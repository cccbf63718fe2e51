import factory
from factory.django import DjangoModelFactory

from servista.accounts.factories import GroupFactory, UserFactory
from servista.catalog.factories import ServiceFactory
from servista.cmdb.factories import ConfigurationItemFactory

from . import services
from .models import Category, Incident


class CategoryFactory(DjangoModelFactory):
    """A top category; with ``filled=True`` a subcategory of a new category,
    routed to a new group."""

    class Meta:
        model = Category
        django_get_or_create = ("name", "parent")

    class Params:
        filled = factory.Trait(
            parent=factory.SubFactory("servista.incidents.factories.CategoryFactory"),
            default_group=factory.SubFactory(GroupFactory))

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


def incidents_with_every_relation(*, caller, agent, manager) -> list[Incident]:
    """A major incident and its resolved child that together fill every
    relation of an incident (through the services, as people would): for
    the query-count checks, which see a missing join or prefetch only on
    rows that have the related object. ``agent`` belongs to a group;
    ``caller`` to an organization."""
    subcategory = CategoryFactory(filled=True)
    service = ServiceFactory(filled=True)
    major = services.log_incident(
        agent, short_description="Mail is down for the whole floor", caller=caller,
        category=subcategory.parent, subcategory=subcategory, service=service,
        configuration_item=ConfigurationItemFactory(filled=True, service=service),
        affected_services=[ServiceFactory()], affected_cis=[ConfigurationItemFactory()],
        assignment_group=agent.support_groups.first(), assigned_to=agent)
    services.promote_major(major, manager, manager=manager, swarm=[agent], reason="Floor down")
    child = services.log_incident(agent, short_description="No mail on my laptop either",
                                  caller=caller, parent=major)
    services.resolve(child, agent, resolution_code="solved_remotely",
                     resolution_notes="The mail gateway was restarted.")
    return list(Incident.objects.filter(pk__in=(major.pk, child.pk)))
