from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "servista.catalog"
    label = "catalog"
    verbose_name = "Service catalog"
    url_prefix = "services/"  # where its pages are (servista.urls)

    def ready(self):
        from servista.core import audit, lookup

        from . import policies, shell  # noqa: F401  (register the policies and the menu)
        from .models import PortfolioReview, Service, ServiceOffering

        lookup.register(Service, ("name",))
        lookup.register(ServiceOffering, ("name",))
        audit.register(Service)
        audit.register(ServiceOffering)
        audit.register(PortfolioReview)
