from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "servista.notifications"
    label = "notifications"
    verbose_name = "Notifications"
