from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "servista.core"
    label = "core"
    verbose_name = "Core"
    url_prefix = ""  # where its pages are (servista.urls)

    def ready(self):
        from . import audit
        from .models import PriorityMatrix

        audit.register(PriorityMatrix)
