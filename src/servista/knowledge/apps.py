from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "servista.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge management"
    url_prefix = "knowledge/"  # where its pages are (servista.urls)

    def ready(self):
        # The policy, the search index and suggestions, what the page frame shows.
        from . import policies, search, shell  # noqa: F401
