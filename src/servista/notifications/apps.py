from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "servista.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    url_prefix = "notifications/"  # where its pages are (servista.urls)

    def ready(self):
        from . import (
            shell,  # noqa: F401  (the bell of the page frame)
            watching,  # noqa: F401  (watchers and mentioned colleagues are told)
            webhooks,  # noqa: F401  (record events to the webhooks)
        )
