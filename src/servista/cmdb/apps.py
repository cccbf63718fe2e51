from django.apps import AppConfig


class CmdbConfig(AppConfig):
    name = "servista.cmdb"
    label = "cmdb"
    verbose_name = "Configuration management"

    def ready(self):
        from servista.core import audit

        from . import policies  # noqa: F401  (registers the app's policies)
        from .models import ConfigurationItem

        audit.register(ConfigurationItem)
