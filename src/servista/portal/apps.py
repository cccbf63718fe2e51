from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "servista.portal"
    label = "portal"
    verbose_name = "Self-service portal"
    url_prefix = "portal/"  # where its pages are (servista.urls)

    def ready(self):
        from . import shell  # noqa: F401  (the requester's home, menu and pages)
