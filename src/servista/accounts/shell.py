"""What accounts show in the page frame: groups, people and organizations
in the Configuration menu, and the user's own profile."""

from servista.core import shell
from servista.core.permissions import is_signed_in

shell.nav("Assignment groups", "accounts:group_list", menu="Configuration", weight=60)
shell.nav("People", "accounts:user_list", menu="Configuration", weight=61)
shell.nav("Organizations", "accounts:organization_list", menu="Configuration", weight=62)
shell.nav("Profile and API tokens", "accounts:profile", side="user", visible=is_signed_in,
          icon="person-vcard", weight=10)
