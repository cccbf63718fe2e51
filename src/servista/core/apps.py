from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "servista.core"
    label = "core"
    verbose_name = "Core"
