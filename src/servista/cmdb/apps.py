from django.apps import AppConfig


class CmdbConfig(AppConfig):
    name = "servista.cmdb"
    label = "cmdb"
    verbose_name = "Configuration management"

    def ready(self):
        from . import policies  # noqa: F401  (registers the app's policies)
