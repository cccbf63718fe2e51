import factory
from factory.django import DjangoModelFactory

from . import services
from .models import Problem


class ProblemFactory(DjangoModelFactory):
    """Logs problems through the service, as an agent would."""

    class Meta:
        model = Problem

    short_description = factory.Faker("sentence", nb_words=5)

    @classmethod
    def _create(cls, model_class, *args, opened_by, **kwargs):
        return services.rules.create(opened_by, kwargs)


def known_error(agent, **fields) -> Problem:
    """A problem taken through analysis to a known error with a workaround."""
    problem = services.rules.create(agent, {
        "short_description": fields.pop("short_description", "Mail gateway queue stalls"),
        "symptoms": fields.pop("symptoms", "Outgoing mail waits in the outbox for hours"),
        **fields})
    services.change_state(problem, agent, "assessed")
    services.change_state(problem, agent, "root_cause_analysis")
    services.make_known_error(problem, agent, root_cause="The spam filter engine hangs",
                              workaround="Restart the filter service on the gateway")
    problem.refresh_from_db()
    return problem


def problem_with_every_relation(*, agent) -> Problem:
    """A problem filling every relation (the query-count checks)."""
    from servista.catalog.factories import ServiceFactory
    from servista.cmdb.factories import ConfigurationItemFactory
    from servista.incidents.factories import CategoryFactory

    problem = services.rules.create(agent, {
        "short_description": "Printers drop off the network", "service": ServiceFactory(),
        "configuration_item": ConfigurationItemFactory(), "category": CategoryFactory(),
        "affected_services": [ServiceFactory()], "affected_cis": [ConfigurationItemFactory()],
        "assignment_group": agent.support_groups.first(), "assigned_to": agent})
    services.change_state(problem, agent, "assessed")
    services.change_state(problem, agent, "root_cause_analysis")
    services.resolve(problem, agent, resolution_code="fix_deployed",
                     resolution_notes="Firmware updated")
    problem.refresh_from_db()
    return problem
