from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "servista.core"
    label = "core"
    verbose_name = "Core"
    url_prefix = ""  # where its pages are (servista.urls)
