from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "servista.incidents"
    label = "incidents"
    verbose_name = "Incident management"

    def ready(self):
        from . import policies, search  # noqa: F401  (register the policy and the search)
