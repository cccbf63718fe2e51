from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "servista.incidents"
    label = "incidents"
    verbose_name = "Incident management"

    def ready(self):
        from . import policies  # noqa: F401  (registers the incident policy)
