from django.apps import AppConfig


class CmdbConfig(AppConfig):
    name = "servista.cmdb"
    label = "cmdb"
    verbose_name = "Configuration management"
    url_prefix = "cis/"  # where its pages are (servista.urls)

    def ready(self):
        from servista.core import audit, lookup

        from . import policies, shell  # noqa: F401  (register the policies, menu and panels)
        from .models import ConfigurationItem

        lookup.register(ConfigurationItem, ("name",))
        audit.register(ConfigurationItem)
