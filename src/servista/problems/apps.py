from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "servista.problems"
    label = "problems"
    verbose_name = "Problem management"
    url_prefix = "problems/"  # where its pages are (servista.urls)

    def ready(self):
        from servista.core import audit, links

        # The policy, the search index and suggestions, what the page frame shows.
        from . import policies, search, shell  # noqa: F401
        from .models import RepeatRule, RiskMatrix

        links.register_kind("fixed_by", "fixed by", "fixes")
        audit.register(RiskMatrix)
        audit.register(RepeatRule)
