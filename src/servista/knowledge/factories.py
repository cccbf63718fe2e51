import factory
from factory.django import DjangoModelFactory

from . import services
from .choices import Audience
from .models import Article


class ArticleFactory(DjangoModelFactory):
    """Writes articles through the service, as an agent would; with
    ``published=True`` a manager publishes them (for everyone to read)."""

    class Meta:
        model = Article

    short_description = factory.Faker("sentence", nb_words=5)
    description = factory.Faker("paragraph", nb_sentences=4)
    audience = Audience.REQUESTERS

    @classmethod
    def _create(cls, model_class, *args, opened_by, published_by=None, **kwargs):
        article = services.create_article(opened_by, kwargs)
        if published_by is not None:
            services.submit(article, opened_by)
            services.publish(article, published_by)
            article.refresh_from_db()
        return article


def article_with_every_relation(*, agent, manager) -> Article:
    """An article filling every relation (the query-count checks): published,
    for one group, with service, CI, affected items, assignment."""
    from servista.catalog.factories import ServiceFactory
    from servista.cmdb.factories import ConfigurationItemFactory

    group = agent.support_groups.first()
    article = services.create_article(agent, {
        "short_description": "Reset a locked account", "description": "1. Verify identity.",
        "service": ServiceFactory(), "configuration_item": ConfigurationItemFactory(),
        "affected_services": [ServiceFactory()], "affected_cis": [ConfigurationItemFactory()],
        "assignment_group": group, "assigned_to": agent, "owner": agent,
        "audience": Audience.GROUP, "audience_group": group})
    services.submit(article, agent)
    services.publish(article, manager)
    article.refresh_from_db()
    return article
