from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "servista.incidents"
    label = "incidents"
    verbose_name = "Incident management"

    def ready(self):
        from servista.core import audit

        from . import policies, search  # noqa: F401  (register the policy and the search)
        from .models import Category

        audit.register(Category)
