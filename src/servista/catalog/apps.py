from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "servista.catalog"
    label = "catalog"
    verbose_name = "Service catalog"

    def ready(self):
        from servista.core import lookup

        from . import policies, shell  # noqa: F401  (register the policies and the menu)
        from .models import Service

        lookup.register(Service, ("name",))
