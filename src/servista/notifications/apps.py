from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "servista.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from . import shell  # noqa: F401  (the bell of the page frame)
