from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "servista.incidents"
    label = "incidents"
    verbose_name = "Incident management"
    url_prefix = "incidents/"  # where its pages are (servista.urls)

    def ready(self):
        from servista.core import audit, lookup

        # The policy, the search index, and what the page frame shows.
        from . import mail, policies, search, shell  # noqa: F401
        from .models import Category

        lookup.register(Category, ("name",))
        audit.register(Category)
