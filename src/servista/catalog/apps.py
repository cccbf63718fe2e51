from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "servista.catalog"
    label = "catalog"
    verbose_name = "Service catalog"

    def ready(self):
        from servista.core import audit

        from . import policies  # noqa: F401  (registers the app's policies)
        from .models import Service

        audit.register(Service)
