from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "servista.api"
    label = "api"
    verbose_name = "REST API"
