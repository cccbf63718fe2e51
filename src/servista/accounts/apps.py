from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "servista.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    url_prefix = ""  # where its pages are (servista.urls)

    def ready(self):
        from servista.core import audit, auth, lookup

        from . import policies, shell  # noqa: F401  (register the policies and the menu)
        from .models import Group, Organization, User
        from .services import user_for_token

        lookup.register(User, ("username", "email"))
        lookup.register(Group, ("name",))
        lookup.register(Organization, ("name",))
        auth.register_token_authenticator(user_for_token)
        # The journal never holds a password hash; a sign-in is not a change.
        # A user's journal shows the support groups they are added to or
        # removed from (the groups' "members", seen from the user).
        audit.register(User, exclude=("password", "last_login"), related=("support_groups",))
        audit.register(Group)
        audit.register(Organization)
