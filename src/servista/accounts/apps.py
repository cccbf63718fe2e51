from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "servista.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import policies  # noqa: F401  (registers the app's policies)
