from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "servista.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    url_prefix = ""  # where its pages are (servista.urls)

    def ready(self):
        from servista.core import auth, lookup

        from . import policies, shell  # noqa: F401  (register the policies and the menu)
        from .models import Group, Organization, User
        from .services import user_for_token

        lookup.register(User, ("username", "email"))
        lookup.register(Group, ("name",))
        lookup.register(Organization, ("name",))
        auth.register_token_authenticator(user_for_token)
