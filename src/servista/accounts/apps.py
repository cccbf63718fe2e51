from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "servista.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from servista.core import audit

        from . import policies  # noqa: F401  (registers the app's policies)
        from .models import Group, Organization, User

        # The journal never holds a password hash; a sign-in is not a change.
        # A user's journal shows the support groups they are added to or
        # removed from (the groups' "members", seen from the user).
        audit.register(User, exclude=("password", "last_login"), related=("support_groups",))
        audit.register(Group)
        audit.register(Organization)
