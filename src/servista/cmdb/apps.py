from django.apps import AppConfig


class CmdbConfig(AppConfig):
    name = "servista.cmdb"
    label = "cmdb"
    verbose_name = "Configuration management"
    url_prefix = "cis/"  # where its pages are (servista.urls)

    def ready(self):
        from servista.core import audit, lookup

        from . import policies, shell  # noqa: F401  (register the policies, menu and panels)
        from .models import (
            AttributeDefinition,
            Baseline,
            CIClass,
            ConfigurationItem,
            RelationshipRule,
            RelationshipType,
        )

        lookup.register(ConfigurationItem, ("name",))
        lookup.register(CIClass, ("key", "name"))
        lookup.register(RelationshipType, ("key", "name"))
        lookup.register(Baseline, ("name",))
        audit.register(ConfigurationItem)
        for model in (CIClass, AttributeDefinition, RelationshipType, RelationshipRule,
                      Baseline):
            audit.register(model, exclude=("items", "relationships") if model is Baseline
                           else ())
