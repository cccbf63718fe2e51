"""The notifications bell of the page frame, with the count of unread ones."""

from servista.core import shell
from servista.core.permissions import is_signed_in

from .services import unread_count

shell.nav("Notifications", "notifications:list", side="right", icon="bell",
          visible=is_signed_in, badge=unread_count, element_id="notifications")
